//! A link as a QR code (ISO/IEC 18004, encoded by the `qrcodegen` crate),
//! drawn large for a projector: the `qr-dialog` with the code as an SVG
//! (`qr-code`), the link under it, Close and Escape.

use std::fmt::Write;

use qrcodegen::{QrCode, QrCodeEcc};
use yew::prelude::*;

use super::dialog::Dialog;

/// Light modules around the code, as the standard asks (§ 6.3.8).
const QUIET_ZONE: i32 = 4;

/// `link` as a QR code: its width in modules, quiet zone included, and an
/// SVG path with one `h`-run per row of dark modules.
///
/// Error correction is level L at least, raised to M, Q or H while the
/// code keeps its size (`encode_binary` boosts it).
///
/// Errors: a link longer than a version-40 code holds (2,953 bytes).
fn qr_path(link: &str) -> Result<(i32, String), String> {
    // Byte mode: a link has lower-case letters, so the text modes would not
    // pack it tighter, and their encoders would weigh on the page.
    let code = QrCode::encode_binary(link.as_bytes(), QrCodeEcc::Low).map_err(|_| {
        format!("This link is too long for a QR code ({} characters; a QR code holds at most 2,953).", link.len())
    })?;
    let size = code.size();
    let mut path = String::new();
    for y in 0..size {
        let mut x = 0;
        while x < size {
            if !code.get_module(x, y) {
                x += 1;
                continue;
            }
            let start = x;
            while x < size && code.get_module(x, y) {
                x += 1;
            }
            // Writing to a String cannot fail.
            let _ = write!(path, "M{} {}h{}v1h-{}z", start + QUIET_ZONE, y + QUIET_ZONE, x - start, x - start);
        }
    }
    Ok((size + 2 * QUIET_ZONE, path))
}

/// Props of [`QrDialog`].
#[derive(Properties, PartialEq)]
pub struct QrDialogProps {
    /// The link to encode.
    pub link: AttrValue,
    /// What the link opens, said under the code.
    pub caption: AttrValue,
    /// Close the dialog.
    pub on_close: Callback<()>,
}

/// The link's QR code, as large as the window allows, dark on white.
#[component]
pub fn QrDialog(props: &QrDialogProps) -> Html {
    let drawn = use_memo(props.link.clone(), |link| qr_path(link));
    html! {
        <Dialog class="qr-dialog" testid="qr-dialog" label="QR code of the link" on_close={props.on_close.clone()}>
                { match &*drawn {
                    Ok((size, path)) => html! {
                        <svg data-testid="qr-code" class="qr-code" viewBox={format!("0 0 {size} {size}")}
                             shape-rendering="crispEdges" role="img" aria-label={format!("QR code: {}", props.link)}>
                            <rect width={size.to_string()} height={size.to_string()} fill="#fff" />
                            <path d={path.clone()} fill="#000" />
                        </svg>
                    },
                    Err(message) => html! { <p class="error" data-testid="qr-error">{ message.clone() }</p> },
                } }
                <p class="qr-caption">{ props.caption.clone() }</p>
                <p class="qr-link muted">{ props.link.clone() }</p>
                <button data-testid="qr-close" onclick={props.on_close.reform(|_| ())}>{ "Close" }</button>
        </Dialog>
    }
}

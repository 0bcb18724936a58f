//! A modal dialog (WAI-ARIA dialog pattern): it takes the keyboard focus
//! when it opens (its `autofocus` element, else its first focusable one),
//! keeps Tab and Shift+Tab inside, closes on Escape, and gives the focus
//! back to where it was when it closes. Keys pressed in it go no further
//! (the editor's shortcuts do not act behind it).

use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement};
use yew::prelude::*;

/// What can take the keyboard focus inside a dialog.
const FOCUSABLE: &str = "button:not([disabled]), [href], input:not([disabled]), select:not([disabled]), \
                         textarea:not([disabled]), [tabindex]:not([tabindex='-1'])";

/// Props of [`Dialog`].
#[derive(Properties, PartialEq)]
pub struct DialogProps {
    /// Its accessible name (`aria-label`).
    pub label: AttrValue,
    /// Its `data-testid`.
    pub testid: AttrValue,
    /// Classes of the dialog box.
    #[prop_or_default]
    pub class: Classes,
    /// Close it (Escape, or its own close button).
    pub on_close: Callback<()>,
    /// Its content.
    #[prop_or_default]
    pub children: Html,
}

/// The focusable elements in `panel` that are shown, in document order.
fn focusables(panel: &Element) -> Vec<HtmlElement> {
    let Ok(list) = panel.query_selector_all(FOCUSABLE) else { return Vec::new() };
    (0..list.length())
        .filter_map(|i| list.item(i)?.dyn_into::<HtmlElement>().ok())
        .filter(|el| el.offset_parent().is_some())
        .collect()
}

/// The element that has the keyboard focus.
fn focused() -> Option<Element> {
    web_sys::window()?.document()?.active_element()
}

/// A modal dialog over a dimmed page.
#[component]
pub fn Dialog(props: &DialogProps) -> Html {
    let panel = use_node_ref();
    {
        let panel = panel.clone();
        use_effect_with((), move |_| {
            let opener = focused().and_then(|e| e.dyn_into::<HtmlElement>().ok());
            if let Some(p) = panel.cast::<HtmlElement>() {
                let first =
                    p.query_selector("[autofocus]").ok().flatten().and_then(|e| e.dyn_into::<HtmlElement>().ok());
                let _ = first.or_else(|| focusables(&p).into_iter().next()).unwrap_or(p).focus();
            }
            move || {
                if let Some(opener) = opener {
                    let _ = opener.focus();
                }
            }
        });
    }
    let on_key = {
        let (panel, on_close) = (panel.clone(), props.on_close.clone());
        Callback::from(move |e: KeyboardEvent| {
            e.stop_propagation();
            match e.key().as_str() {
                "Escape" => on_close.emit(()),
                "Tab" => {
                    let Some(p) = panel.cast::<Element>() else { return };
                    let all = focusables(&p);
                    let (Some(first), Some(last)) = (all.first(), all.last()) else { return };
                    let at = focused();
                    let wrap_to = if e.shift_key() {
                        (at.as_ref() == Some(first.as_ref()) || at.as_ref() == Some(&p)).then_some(last)
                    } else {
                        (at.as_ref() == Some(last.as_ref())).then_some(first)
                    };
                    if let Some(target) = wrap_to {
                        e.prevent_default();
                        let _ = target.focus();
                    }
                }
                _ => {}
            }
        })
    };
    html! {
        <div class="gallery-backdrop" onkeydown={on_key}>
            <div class={props.class.clone()} data-testid={props.testid.clone()} role="dialog" aria-modal="true"
                 aria-label={props.label.clone()} tabindex="-1" ref={panel}>
                { props.children.clone() }
            </div>
        </div>
    }
}

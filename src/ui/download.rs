//! Saving run results as files: the browser downloads them from the page
//! (no server involved).

use wasm_bindgen::JsCast;

/// Offers `url` (a `data:` or `blob:` URL) for download as `filename`.
pub fn download_data_url(url: &str, filename: &str) {
    let anchor = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.create_element("a").ok())
        .and_then(|a| a.dyn_into::<web_sys::HtmlAnchorElement>().ok());
    if let Some(a) = anchor {
        a.set_href(url);
        a.set_download(filename);
        a.click();
    }
}

/// Offers `text` for download as `filename` with media type `mime` (e.g.
/// `text/csv`).
pub fn download_text(text: &str, filename: &str, mime: &str) {
    let parts = js_sys::Array::of1(&text.into());
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options) else { return };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else { return };
    download_data_url(&url, filename);
    // Revoked once the download has surely started.
    yew::platform::spawn_local(async move {
        yew::platform::time::sleep(std::time::Duration::from_secs(10)).await;
        let _ = web_sys::Url::revoke_object_url(&url);
    });
}

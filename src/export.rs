//! Offering text as a file download (a Blob behind an `<a download>`).

use wasm_bindgen::JsCast;

/// Offers `text` as a download named `file_name`; `Err` is a message for the user.
pub fn download(text: &str, file_name: &str, mime: &str) -> Result<(), String> {
    let parts = js_sys::Array::of1(&text.into());
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options)
        .map_err(|_| fail("could not create the file"))?;
    download_blob(&blob, file_name)
}

fn fail(what: &str) -> String {
    format!("Export failed: {what}")
}

/// Offers `blob` as a download named `file_name`.
pub fn download_blob(blob: &web_sys::Blob, file_name: &str) -> Result<(), String> {
    let url = web_sys::Url::create_object_url_with_blob(blob)
        .map_err(|_| fail("could not create a link"))?;
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or_else(|| fail("no document"))?;
    let anchor = document
        .create_element("a")
        .map_err(|_| fail("could not create a link"))?
        .dyn_into::<web_sys::HtmlAnchorElement>()
        .map_err(|_| fail("could not create a link"))?;
    anchor.set_href(&url);
    anchor.set_download(file_name);
    anchor.click();
    // Revoking at once can cancel the download; a minute later it is done.
    leptos::prelude::set_timeout(
        move || {
            let _ = web_sys::Url::revoke_object_url(&url);
        },
        std::time::Duration::from_secs(60),
    );
    Ok(())
}

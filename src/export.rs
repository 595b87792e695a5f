//! Downloading the votes as a pairs CSV (`item_a,item_b,winner`, plus
//! `rater`, `advantage` and `prompt`).

use prefplay_core::formats::{Format, write_table};
use prefplay_core::table::PairTable;
use wasm_bindgen::JsCast;

/// The file name offered for the download.
pub const EXPORT_FILE_NAME: &str = "prefplay-votes.csv";

/// Offers the table as a pairs CSV download; `Err` is a message for the user.
pub fn download_votes_csv(table: &PairTable) -> Result<(), String> {
    let fail = |what: &str| format!("Export failed: {what}");
    let mut bytes = Vec::new();
    write_table(table, Format::Pairs, &mut bytes).map_err(|e| fail(&e.to_string()))?;
    let csv = String::from_utf8(bytes).map_err(|_| fail("the text is not UTF-8"))?;
    let parts = js_sys::Array::of1(&csv.into());
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("text/csv;charset=utf-8");
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options)
        .map_err(|_| fail("could not create the file"))?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)
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
    anchor.set_download(EXPORT_FILE_NAME);
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

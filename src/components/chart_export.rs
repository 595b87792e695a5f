//! "SVG" and "PNG" buttons under a chart. The SVG is the chart's own
//! markup with the chart styles embedded, so it stands alone; the PNG is
//! that SVG drawn at twice its size on a canvas.

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;

/// The chart styles an exported SVG carries (the page's stylesheet does
/// not travel with the file).
const CHART_STYLE: &str = "text{font-family:system-ui,sans-serif}\
.grid{stroke:#d0d7de;stroke-width:0.5}.axis{stroke:#57606a;stroke-width:1}\
.tick,.axis-label{font-size:11px;fill:#57606a}.label{font-size:12px;fill:#1f2328}";

/// Scale of the PNG relative to the SVG's viewBox.
const PNG_SCALE: f64 = 2.0;

/// The standalone SVG of the element `svg_id`, or `None` when it is not
/// on the page.
fn standalone_svg(svg_id: &str) -> Option<(String, f64, f64)> {
    let element = document().get_element_by_id(svg_id)?;
    let svg = element.outer_html();
    let view_box = element.get_attribute("viewBox").unwrap_or_default();
    let size: Vec<f64> = view_box
        .split_whitespace()
        .filter_map(|v| v.parse().ok())
        .collect();
    let (width, height) = match size.as_slice() {
        [_, _, w, h] => (*w, *h),
        _ => (480.0, 260.0),
    };
    let cut = svg.find('>')? + 1;
    let styled = format!("{}<style>{CHART_STYLE}</style>{}", &svg[..cut], &svg[cut..]);
    Some((styled, width, height))
}

/// Draws `svg` on a canvas and offers it as `file_name` (PNG).
fn export_png(svg: &str, width: f64, height: f64, file_name: String) -> Result<(), String> {
    let fail = |what: &str| format!("PNG export failed: {what}");
    let image = web_sys::HtmlImageElement::new().map_err(|_| fail("no image"))?;
    let url = format!(
        "data:image/svg+xml;charset=utf-8,{}",
        js_sys::encode_uri_component(svg)
    );
    let drawn = image.clone();
    let onload = Closure::once_into_js(move || {
        let result = (|| -> Result<(), String> {
            let canvas = document()
                .create_element("canvas")
                .map_err(|_| fail("no canvas"))?
                .dyn_into::<web_sys::HtmlCanvasElement>()
                .map_err(|_| fail("no canvas"))?;
            canvas.set_width((width * PNG_SCALE) as u32);
            canvas.set_height((height * PNG_SCALE) as u32);
            let context = canvas
                .get_context("2d")
                .ok()
                .flatten()
                .and_then(|c| c.dyn_into::<web_sys::CanvasRenderingContext2d>().ok())
                .ok_or_else(|| fail("no 2-D context"))?;
            context.set_fill_style_str("#ffffff");
            context.fill_rect(0.0, 0.0, width * PNG_SCALE, height * PNG_SCALE);
            context
                .draw_image_with_html_image_element_and_dw_and_dh(
                    &drawn,
                    0.0,
                    0.0,
                    width * PNG_SCALE,
                    height * PNG_SCALE,
                )
                .map_err(|_| fail("could not draw the chart"))?;
            let on_blob = Closure::once_into_js(move |blob: Option<web_sys::Blob>| {
                if let Some(blob) = blob {
                    let _ = crate::export::download_blob(&blob, &file_name);
                }
            });
            canvas
                .to_blob(on_blob.unchecked_ref())
                .map_err(|_| fail("could not encode the PNG"))
        })();
        if let Err(e) = result {
            web_sys::console::error_1(&e.into());
        }
    });
    image.set_onload(Some(onload.unchecked_ref()));
    image.set_src(&url);
    Ok(())
}

/// The two export buttons for the SVG `{id}-svg`: `#{id}-export-svg`
/// and `#{id}-export-png`, saving `prefplay-{id}.svg` / `.png`.
#[component]
pub fn ChartExport(
    /// The chart's id (its SVG's is `{id}-svg`).
    id: &'static str,
) -> impl IntoView {
    let svg_id = format!("{id}-svg");
    let svg_for_png = svg_id.clone();
    let export_svg = move |_| {
        if let Some((svg, _, _)) = standalone_svg(&svg_id) {
            let _ = crate::export::download(&svg, &format!("prefplay-{id}.svg"), "image/svg+xml");
        }
    };
    let export_png = move |_| {
        if let Some((svg, w, h)) = standalone_svg(&svg_for_png) {
            let _ = export_png(&svg, w, h, format!("prefplay-{id}.png"));
        }
    };
    view! {
        <div class="chart-export">
            <button id=format!("{id}-export-svg") class="small" on:click=export_svg>"Export SVG"</button>
            <button id=format!("{id}-export-png") class="small" on:click=export_png>"Export PNG"</button>
        </div>
    }
}

//! Drawing on a canvas: `drawChart`, `drawHeatmap` (plotters through the canvas backend below,
//! heat-map pixels with one `putImageData`), and the pixel ↔ data mapping of what they drew
//! (`chartToData`, `chartToPixel`), which is `render::chart::Transform`'s.

use super::args::{array_items, count, error, f64_array, f64_array_lenient_max, fail, is_array, number, set, Opts, R};
use crate::limits as lim;
use crate::render::chart::{self, ChartSpec, HeatmapSpec, LegendCorner, Marker, Series, Transform};
use crate::render::heatmap;
use js_sys::Object;
use plotters::prelude::*;
use plotters_backend::{BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingErrorKind};
use plotters_canvas::CanvasBackend;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

fn color(v: &JsValue, name: &str, default: RGBColor) -> R<RGBColor> {
    if v.is_undefined() {
        return Ok(default);
    }
    let s = v.as_string().unwrap_or_default();
    let hex = s.strip_prefix('#').unwrap_or("");
    if hex.len() == 6 && hex.chars().all(|c| c.is_ascii_hexdigit()) {
        let p = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).unwrap_or(0);
        return Ok(RGBColor(p(0), p(2), p(4)));
    }
    fail(format!("{name} must be a colour like \"#1f77b4\", got {}", super::args::describe(v)))
}

fn range(o: &Opts, key: &str) -> R<Option<(f64, f64)>> {
    let v = o.get(key);
    if v.is_undefined() || v.is_null() {
        return Ok(None);
    }
    let a = f64_array(&v, &o.name(key), 2)?;
    if a.len() != 2 || !(a[1] > a[0]) {
        return fail(format!("{} must be [min, max] with min < max", o.name(key)));
    }
    Ok(Some((a[0], a[1])))
}

fn list(o: &Opts, key: &str, max: usize) -> R<Vec<JsValue>> {
    let v = o.get(key);
    if v.is_undefined() || v.is_null() {
        return Ok(Vec::new());
    }
    if !is_array(&v) {
        return fail(format!("{} must be an array", o.name(key)));
    }
    array_items(&v, &o.name(key), max, "items")
}

/// Like `f64_array` but NaN/±Infinity are allowed (charts skip them).
fn f64_array_lenient(v: &JsValue, name: &str) -> R<Vec<f64>> {
    f64_array_lenient_max(v, name, 1_000_000)
}

fn series(v: &JsValue, name: &'static str) -> R<Series> {
    let o = Opts::new(v, name, &["xs", "ys", "color", "width", "label", "dots", "dashed"])?;
    let xs = f64_array_lenient(&o.get("xs"), "series.xs")?;
    let ys = f64_array_lenient(&o.get("ys"), "series.ys")?;
    if xs.len() != ys.len() {
        return fail(format!("series.xs and series.ys must have the same length, got {} and {}", xs.len(), ys.len()));
    }
    Ok(Series {
        xs,
        ys,
        color: color(&o.get("color"), "series.color", RGBColor(31, 119, 180))?,
        width: o.integer("width", 2.0, 1.0, 40.0)? as u32,
        label: Some(o.string("label", 80)?).filter(|s| !s.is_empty()),
        dots: o.boolean("dots", false)?,
        dashed: o.boolean("dashed", false)?,
    })
}

fn marker(v: &JsValue) -> R<Marker> {
    let o = Opts::new(v, "marker", &["x", "y", "color", "size", "filled", "label"])?;
    Ok(Marker {
        x: o.number("x", 0.0, -1e300, 1e300)?,
        y: o.number("y", 0.0, -1e300, 1e300)?,
        color: color(&o.get("color"), "marker.color", RGBColor(0, 0, 0))?,
        size: o.integer("size", 4.0, 1.0, 60.0)? as u32,
        filled: o.boolean("filled", true)?,
        label: Some(o.string("label", 80)?).filter(|s| !s.is_empty()),
    })
}

const TRANSFORM_KEYS: [&str; 10] = ["left", "top", "width", "height", "xMin", "xMax", "yMin", "yMax", "logX", "logY"];

fn transform_to_js(t: &Transform) -> Object {
    let o = Object::new();
    set(&o, "left", t.left);
    set(&o, "top", t.top);
    set(&o, "width", t.width);
    set(&o, "height", t.height);
    set(&o, "xMin", t.x_min);
    set(&o, "xMax", t.x_max);
    set(&o, "yMin", t.y_min);
    set(&o, "yMax", t.y_max);
    set(&o, "logX", t.log_x);
    set(&o, "logY", t.log_y);
    o
}

/// A transform object as drawChart/drawHeatmap return it (other keys are ignored).
fn transform_from_js(v: &JsValue) -> R<Transform> {
    let o = Opts::lenient(v, "transform", &TRANSFORM_KEYS)?;
    const BIG: f64 = 1e300;
    let t = Transform {
        left: o.required("left", -BIG, BIG)?,
        top: o.required("top", -BIG, BIG)?,
        width: o.required("width", f64::MIN_POSITIVE, BIG)?,
        height: o.required("height", f64::MIN_POSITIVE, BIG)?,
        x_min: o.required("xMin", -BIG, BIG)?,
        x_max: o.required("xMax", -BIG, BIG)?,
        y_min: o.required("yMin", -BIG, BIG)?,
        y_max: o.required("yMax", -BIG, BIG)?,
        log_x: o.boolean("logX", false)?,
        log_y: o.boolean("logY", false)?,
    };
    if !(t.x_max > t.x_min && t.y_max > t.y_min) {
        return fail("transform must have xMin < xMax and yMin < yMax");
    }
    Ok(t)
}

/// plotters-canvas, except that text is measured with the canvas's own `measureText`.
/// (plotters' browser font code measures text by inserting a styled `<span>` into the page,
/// which a strict Content-Security-Policy blocks and which has no `document` in a Worker.)
struct Canvas {
    inner: CanvasBackend,
    ctx: web_sys::CanvasRenderingContext2d,
}

impl DrawingBackend for Canvas {
    type ErrorType = <CanvasBackend as DrawingBackend>::ErrorType;
    fn get_size(&self) -> (u32, u32) {
        self.inner.get_size()
    }
    fn ensure_prepared(&mut self) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.ensure_prepared()
    }
    fn present(&mut self) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.present()
    }
    fn draw_pixel(&mut self, p: BackendCoord, c: BackendColor) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.draw_pixel(p, c)
    }
    fn draw_line<S: BackendStyle>(&mut self, a: BackendCoord, b: BackendCoord, s: &S) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.draw_line(a, b, s)
    }
    fn draw_rect<S: BackendStyle>(&mut self, a: BackendCoord, b: BackendCoord, s: &S, fill: bool) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.draw_rect(a, b, s, fill)
    }
    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(&mut self, path: I, s: &S) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.draw_path(path, s)
    }
    fn draw_circle<S: BackendStyle>(&mut self, c: BackendCoord, r: u32, s: &S, fill: bool) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.draw_circle(c, r, s, fill)
    }
    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(&mut self, v: I, s: &S) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.fill_polygon(v, s)
    }
    fn draw_text<T: BackendTextStyle>(&mut self, text: &str, s: &T, pos: BackendCoord) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.draw_text(text, s, pos)
    }
    fn estimate_text_size<T: BackendTextStyle>(&self, text: &str, s: &T) -> Result<(u32, u32), DrawingErrorKind<Self::ErrorType>> {
        self.ctx.set_font(&format!("{} {}px {}", s.style().as_str(), s.size(), s.family().as_str()));
        let w = self.ctx.measure_text(text).map(|m| m.width()).unwrap_or(s.size() * 0.6 * text.chars().count() as f64);
        Ok((w.ceil().max(0.0) as u32, (s.size() * 1.2).ceil().max(0.0) as u32))
    }
}

/// The canvas element and its 2-D context, checked.
fn canvas_of(canvas: &JsValue) -> R<(web_sys::HtmlCanvasElement, web_sys::CanvasRenderingContext2d)> {
    let c = canvas.dyn_ref::<web_sys::HtmlCanvasElement>().ok_or_else(|| error("canvas must be an HTMLCanvasElement"))?;
    if c.width() == 0 || c.height() == 0 || c.width() > 8192 || c.height() > 8192 {
        return fail(format!("canvas width and height must be in 1..=8192 pixels, got {} × {}", c.width(), c.height()));
    }
    let ctx = c.get_context("2d").ok().flatten().and_then(|x| x.dyn_into().ok()).ok_or_else(|| error("canvas has no 2d context"))?;
    Ok((c.clone(), ctx))
}

fn backend(el: &web_sys::HtmlCanvasElement, ctx: &web_sys::CanvasRenderingContext2d) -> R<Canvas> {
    let inner = CanvasBackend::with_canvas_object(el.clone()).ok_or_else(|| error("canvas has no 2d context"))?;
    Ok(Canvas { inner, ctx: ctx.clone() })
}

/// Draws a line chart on a canvas (plotters + plotters-canvas) and returns its transform
/// `{ left, top, width, height, xMin, xMax, yMin, yMax, logX, logY }` (pixels of the canvas
/// backing store; with log axes the ranges are log10 values).
///
/// `spec = { title, xLabel, yLabel, fontPx, logX, logY, xRange: [min, max], yRange,
///   legend: "top-right" (default) | "top-left" | "bottom-right" | "bottom-left" | "below" (under the plot, in columns),
///   series: [{ xs, ys, color: "#rrggbb", width, label, dots, dashed }],
///   markers: [{ x, y, color, size, filled, label }] }`. A line of one finite point is drawn as a dot.
#[wasm_bindgen(js_name = drawChart)]
pub fn draw_chart(canvas: JsValue, spec: JsValue) -> R<Object> {
    let o = Opts::new(&spec, "spec", &["title", "xLabel", "yLabel", "fontPx", "logX", "logY", "xRange", "yRange", "legend", "series", "markers"])?;
    let spec = ChartSpec {
        title: o.string("title", 200)?,
        x_label: o.string("xLabel", 200)?,
        y_label: o.string("yLabel", 200)?,
        font_px: o.number("fontPx", 14.0, 6.0, 96.0)?,
        log_x: o.boolean("logX", false)?,
        log_y: o.boolean("logY", false)?,
        x_range: range(&o, "xRange")?,
        y_range: range(&o, "yRange")?,
        legend: o.choice("legend", LegendCorner::TopRight, &LegendCorner::ALL, LegendCorner::name)?,
        series: list(&o, "series", 64)?.iter().map(|s| series(s, "series")).collect::<R<_>>()?,
        markers: list(&o, "markers", 10_000)?.iter().map(marker).collect::<R<_>>()?,
    };
    let (el, ctx) = canvas_of(&canvas)?;
    let root = backend(&el, &ctx)?.into_drawing_area();
    let t = chart::draw_chart(&root, &spec).map_err(error)?;
    root.present().map_err(|e| error(e.to_string()))?;
    Ok(transform_to_js(&t))
}

/// Draws a heat map of `values` (gridW × gridH, row-major, row 0 at the bottom) with axes,
/// a viridis colour bar and overlays; the pixels go on with one `putImageData`. Returns the
/// transform as `drawChart` does.
///
/// `spec = { title, xLabel, yLabel, xRange, yRange, lo, hi, colorbarLabel, fontPx,
///   paths: [{ xs, ys, color, width, label }], markers: [...] }`
#[wasm_bindgen(js_name = drawHeatmap)]
pub fn draw_heatmap(canvas: JsValue, values: JsValue, grid_w: JsValue, grid_h: JsValue, spec: JsValue) -> R<Object> {
    let gw = count(&grid_w, "gridW", 1, lim::MAX_PLANE_SIZE)?;
    let gh = count(&grid_h, "gridH", 1, lim::MAX_PLANE_SIZE)?;
    let vals = f64_array_lenient(&values, "values")?;
    if vals.len() != gw * gh {
        return fail(format!("values must hold gridW × gridH = {} numbers, got {}", gw * gh, vals.len()));
    }
    let o = Opts::new(&spec, "spec", &["title", "xLabel", "yLabel", "xRange", "yRange", "lo", "hi", "colorbarLabel", "fontPx", "paths", "markers"])?;
    let finite = || vals.iter().cloned().filter(|v| v.is_finite());
    let lo = o.number("lo", finite().fold(f64::INFINITY, f64::min).min(1e300), -1e300, 1e300)?;
    let hi = o.number("hi", finite().fold(f64::NEG_INFINITY, f64::max).max(-1e300), -1e300, 1e300)?;
    let hs = HeatmapSpec {
        title: o.string("title", 200)?,
        x_label: o.string("xLabel", 200)?,
        y_label: o.string("yLabel", 200)?,
        x_range: range(&o, "xRange")?.unwrap_or((-1.0, 1.0)),
        y_range: range(&o, "yRange")?.unwrap_or((-1.0, 1.0)),
        lo,
        hi,
        colorbar_label: o.string("colorbarLabel", 80)?,
        paths: list(&o, "paths", 64)?.iter().map(|s| series(s, "path")).collect::<R<_>>()?,
        markers: list(&o, "markers", 10_000)?.iter().map(marker).collect::<R<_>>()?,
        font_px: o.number("fontPx", 14.0, 6.0, 96.0)?,
    };
    let (el, ctx) = canvas_of(&canvas)?;
    let root = backend(&el, &ctx)?.into_drawing_area();
    let t = chart::draw_heatmap_frame(&root, &hs, |x, y, w, h| {
        let px = heatmap::heatmap_rgba(&vals, gw, gh, w as usize, h as usize, lo, hi);
        let img = web_sys::ImageData::new_with_u8_clamped_array_and_sh(wasm_bindgen::Clamped(&px), w, h).map_err(|_| "ImageData failed".to_string())?;
        ctx.put_image_data(&img, x as f64, y as f64).map_err(|_| "putImageData failed".to_string())
    })
    .map_err(error)?;
    root.present().map_err(|e| error(e.to_string()))?;
    Ok(transform_to_js(&t))
}

/// `chartToData(transform, px, py)`: the data point `{ x, y }` under the pixel (px, py) of the
/// canvas backing store (CSS pixels × devicePixelRatio), undoing log axes, or `undefined` when
/// the pixel is outside the plot area. `transform` is what `drawChart`/`drawHeatmap` returned.
#[wasm_bindgen(js_name = chartToData)]
pub fn chart_to_data(transform: JsValue, px: JsValue, py: JsValue) -> R<JsValue> {
    let t = transform_from_js(&transform)?;
    let (px, py) = (number(&px, "px", -1e300, 1e300)?, number(&py, "py", -1e300, 1e300)?);
    Ok(match t.to_data(px, py) {
        Some((x, y)) => {
            let o = Object::new();
            set(&o, "x", x);
            set(&o, "y", y);
            o.into()
        }
        None => JsValue::UNDEFINED,
    })
}

/// `chartToPixel(transform, x, y)`: the backing-store pixel `{ px, py }` of the data point
/// (x, y) (log axes take log10; x ≤ 0 on a log axis gives NaN). Points outside the ranges
/// map outside the plot area.
#[wasm_bindgen(js_name = chartToPixel)]
pub fn chart_to_pixel(transform: JsValue, x: JsValue, y: JsValue) -> R<Object> {
    let t = transform_from_js(&transform)?;
    let (x, y) = (number(&x, "x", -1e300, 1e300)?, number(&y, "y", -1e300, 1e300)?);
    let (px, py) = t.to_pixel(x, y);
    let o = Object::new();
    set(&o, "px", px);
    set(&o, "py", py);
    Ok(o)
}

//! The charts' drawing backend: plotters' `DrawingBackend` over a canvas's 2-D context, the same
//! on the page (`HTMLCanvasElement`, `CanvasRenderingContext2D`) and in a Worker (`OffscreenCanvas`,
//! `OffscreenCanvasRenderingContext2D`), so a landscape drawn by the compute Worker while a slider
//! moves is drawn by the very calls the page makes.
//!
//! The context's methods are bound by name (`Ctx2d`), with no `instanceof` test: web-sys's
//! `CanvasRenderingContext2d` checks its class, which a Worker does not have (plotters-canvas's
//! backend, used before, took only an `HTMLCanvasElement`). Text is measured with the context's
//! own `measureText`: plotters' browser font code inserts a styled `<span>` into the document,
//! which a strict Content-Security-Policy blocks and a Worker has no document for.

use plotters_backend::text_anchor::{HPos, VPos};
use plotters_backend::{BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingBackend, DrawingErrorKind, FontTransform};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

#[wasm_bindgen]
extern "C" {
    /// A canvas's 2-D context, on the page or in a Worker (methods called by name).
    #[derive(Clone)]
    pub type Ctx2d;
    #[wasm_bindgen(method, setter = fillStyle)]
    fn set_fill_style(this: &Ctx2d, v: &str);
    #[wasm_bindgen(method, setter = strokeStyle)]
    fn set_stroke_style(this: &Ctx2d, v: &str);
    #[wasm_bindgen(method, setter = lineWidth)]
    fn set_line_width(this: &Ctx2d, v: f64);
    #[wasm_bindgen(method, setter = font)]
    fn set_font(this: &Ctx2d, v: &str);
    #[wasm_bindgen(method, setter = textAlign)]
    fn set_text_align(this: &Ctx2d, v: &str);
    #[wasm_bindgen(method, setter = textBaseline)]
    fn set_text_baseline(this: &Ctx2d, v: &str);
    #[wasm_bindgen(method, js_name = fillRect)]
    fn fill_rect(this: &Ctx2d, x: f64, y: f64, w: f64, h: f64);
    #[wasm_bindgen(method, js_name = strokeRect)]
    fn stroke_rect(this: &Ctx2d, x: f64, y: f64, w: f64, h: f64);
    #[wasm_bindgen(method, js_name = beginPath)]
    fn begin_path(this: &Ctx2d);
    #[wasm_bindgen(method, js_name = closePath)]
    fn close_path(this: &Ctx2d);
    #[wasm_bindgen(method, js_name = moveTo)]
    fn move_to(this: &Ctx2d, x: f64, y: f64);
    #[wasm_bindgen(method, js_name = lineTo)]
    fn line_to(this: &Ctx2d, x: f64, y: f64);
    #[wasm_bindgen(method)]
    fn stroke(this: &Ctx2d);
    #[wasm_bindgen(method)]
    fn fill(this: &Ctx2d);
    #[wasm_bindgen(method, catch)]
    fn arc(this: &Ctx2d, x: f64, y: f64, r: f64, from: f64, to: f64) -> Result<(), JsValue>;
    #[wasm_bindgen(method)]
    fn save(this: &Ctx2d);
    #[wasm_bindgen(method)]
    fn restore(this: &Ctx2d);
    #[wasm_bindgen(method, catch)]
    fn translate(this: &Ctx2d, x: f64, y: f64) -> Result<(), JsValue>;
    #[wasm_bindgen(method, catch)]
    fn rotate(this: &Ctx2d, rad: f64) -> Result<(), JsValue>;
    #[wasm_bindgen(method, catch, js_name = fillText)]
    fn fill_text(this: &Ctx2d, text: &str, x: f64, y: f64) -> Result<(), JsValue>;
    #[wasm_bindgen(method, catch, js_name = measureText)]
    fn measure_text(this: &Ctx2d, text: &str) -> Result<web_sys::TextMetrics, JsValue>;
    #[wasm_bindgen(method, catch, js_name = putImageData)]
    pub fn put_image_data(this: &Ctx2d, img: &web_sys::ImageData, x: f64, y: f64) -> Result<(), JsValue>;

    /// A canvas element or an OffscreenCanvas (`width`, `height`, `getContext` by name).
    type AnyCanvas;
    #[wasm_bindgen(method, getter)]
    fn width(this: &AnyCanvas) -> u32;
    #[wasm_bindgen(method, getter)]
    fn height(this: &AnyCanvas) -> u32;
    #[wasm_bindgen(method, catch, js_name = getContext)]
    fn get_context(this: &AnyCanvas, kind: &str) -> Result<JsValue, JsValue>;
}

/// `canvas`'s 2-D context and its size, or why not: `canvas` must be an `HTMLCanvasElement` or an
/// `OffscreenCanvas` of 1..=8192 pixels a side whose context is (or can become) a 2-D one.
pub fn context_of(canvas: &JsValue) -> Result<(Ctx2d, u32, u32), String> {
    let is_canvas = canvas.dyn_ref::<web_sys::HtmlCanvasElement>().is_some() || canvas.dyn_ref::<web_sys::OffscreenCanvas>().is_some();
    if !is_canvas {
        return Err("canvas must be an HTMLCanvasElement or an OffscreenCanvas".into());
    }
    let c: &AnyCanvas = canvas.unchecked_ref();
    let (w, h) = (c.width(), c.height());
    if w == 0 || h == 0 || w > 8192 || h > 8192 {
        return Err(format!("canvas width and height must be in 1..=8192 pixels, got {w} × {h}"));
    }
    match c.get_context("2d") {
        Ok(ctx) if ctx.is_object() => Ok((ctx.unchecked_into(), w, h)),
        _ => Err("canvas has no 2d context (it has another kind of context)".into()),
    }
}

/// What went wrong in the context (a JS exception's text).
#[derive(Debug)]
pub struct CtxError(String);

impl std::fmt::Display for CtxError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "canvas: {}", self.0)
    }
}
impl std::error::Error for CtxError {}

fn js_err(e: JsValue) -> DrawingErrorKind<CtxError> {
    let text = e.dyn_ref::<js_sys::Error>().map(|e| String::from(e.message())).or_else(|| e.as_string()).unwrap_or_else(|| "an exception".into());
    DrawingErrorKind::DrawingError(CtxError(text))
}

/// plotters' backend over a [`Ctx2d`] of `w` × `h` pixels.
pub struct Canvas2d {
    ctx: Ctx2d,
    size: (u32, u32),
}

impl Canvas2d {
    pub fn new(ctx: Ctx2d, w: u32, h: u32) -> Canvas2d {
        Canvas2d { ctx, size: (w, h) }
    }

    pub fn ctx(&self) -> &Ctx2d {
        &self.ctx
    }

    fn line_style(&self, s: &impl BackendStyle) {
        self.ctx.set_stroke_style(&css(s.color()));
        self.ctx.set_line_width(s.stroke_width() as f64);
    }
}

fn css(c: BackendColor) -> String {
    let (r, g, b) = c.rgb;
    format!("rgba({r},{g},{b},{})", c.alpha)
}

const fn shown(c: &BackendColor) -> bool {
    c.alpha != 0.0
}

/// A horizontal or vertical line's ends moved half a pixel, so that a 1-px line covers one row or
/// column of pixels instead of half of two.
fn crisp(a: BackendCoord, b: BackendCoord) -> ((f64, f64), (f64, f64)) {
    let (mut a, mut b) = ((a.0 as f64, a.1 as f64), (b.0 as f64, b.1 as f64));
    if a.0 == b.0 {
        a.0 -= 0.5;
        b.0 -= 0.5;
    }
    if a.1 == b.1 {
        a.1 -= 0.5;
        b.1 -= 0.5;
    }
    (a, b)
}

type Res = Result<(), DrawingErrorKind<CtxError>>;

impl DrawingBackend for Canvas2d {
    type ErrorType = CtxError;

    fn get_size(&self) -> (u32, u32) {
        self.size
    }
    fn ensure_prepared(&mut self) -> Res {
        Ok(())
    }
    fn present(&mut self) -> Res {
        Ok(())
    }

    fn draw_pixel(&mut self, p: BackendCoord, c: BackendColor) -> Res {
        if shown(&c) {
            self.ctx.set_fill_style(&css(c));
            self.ctx.fill_rect(p.0 as f64, p.1 as f64, 1.0, 1.0);
        }
        Ok(())
    }

    fn draw_line<S: BackendStyle>(&mut self, from: BackendCoord, to: BackendCoord, s: &S) -> Res {
        if shown(&s.color()) {
            let (a, b) = crisp(from, to);
            self.line_style(s);
            self.ctx.begin_path();
            self.ctx.move_to(a.0, a.1);
            self.ctx.line_to(b.0, b.1);
            self.ctx.stroke();
        }
        Ok(())
    }

    fn draw_rect<S: BackendStyle>(&mut self, tl: BackendCoord, br: BackendCoord, s: &S, fill: bool) -> Res {
        if !shown(&s.color()) {
            return Ok(());
        }
        let (x, y, w, h) = (tl.0 as f64, tl.1 as f64, (br.0 - tl.0) as f64, (br.1 - tl.1) as f64);
        if fill {
            self.ctx.set_fill_style(&css(s.color()));
            self.ctx.fill_rect(x, y, w, h);
        } else {
            self.line_style(s);
            self.ctx.stroke_rect(x, y, w, h);
        }
        Ok(())
    }

    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(&mut self, path: I, s: &S) -> Res {
        if !shown(&s.color()) {
            return Ok(());
        }
        let mut pts = path.into_iter();
        self.ctx.begin_path();
        if let Some(p) = pts.next() {
            self.line_style(s);
            self.ctx.move_to(p.0 as f64, p.1 as f64);
            for p in pts {
                self.ctx.line_to(p.0 as f64, p.1 as f64);
            }
        }
        self.ctx.stroke();
        Ok(())
    }

    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(&mut self, vert: I, s: &S) -> Res {
        if !shown(&s.color()) {
            return Ok(());
        }
        let mut pts = vert.into_iter();
        self.ctx.begin_path();
        if let Some(p) = pts.next() {
            self.ctx.set_fill_style(&css(s.color()));
            self.ctx.move_to(p.0 as f64, p.1 as f64);
            for p in pts {
                self.ctx.line_to(p.0 as f64, p.1 as f64);
            }
            self.ctx.close_path();
        }
        self.ctx.fill();
        Ok(())
    }

    fn draw_circle<S: BackendStyle>(&mut self, c: BackendCoord, r: u32, s: &S, fill: bool) -> Res {
        if !shown(&s.color()) {
            return Ok(());
        }
        if fill {
            self.ctx.set_fill_style(&css(s.color()));
        } else {
            self.line_style(s);
        }
        self.ctx.begin_path();
        self.ctx.arc(c.0 as f64, c.1 as f64, r as f64, 0.0, std::f64::consts::TAU).map_err(js_err)?;
        if fill {
            self.ctx.fill();
        } else {
            self.ctx.stroke();
        }
        Ok(())
    }

    fn draw_text<T: BackendTextStyle>(&mut self, text: &str, s: &T, pos: BackendCoord) -> Res {
        let colour = s.color();
        if !shown(&colour) {
            return Ok(());
        }
        let turn = match s.transform() {
            FontTransform::None => 0.0,
            FontTransform::Rotate90 => 0.25,
            FontTransform::Rotate180 => 0.5,
            FontTransform::Rotate270 => 0.75,
        } * std::f64::consts::TAU;
        let (mut x, mut y) = (pos.0 as f64, pos.1 as f64);
        if turn != 0.0 {
            // rotated about the text's anchor point
            self.ctx.save();
            self.ctx.translate(x, y).map_err(js_err)?;
            self.ctx.rotate(turn).map_err(js_err)?;
            (x, y) = (0.0, 0.0);
        }
        self.ctx.set_text_baseline(match s.anchor().v_pos {
            VPos::Top => "top",
            VPos::Center => "middle",
            VPos::Bottom => "bottom",
        });
        self.ctx.set_text_align(match s.anchor().h_pos {
            HPos::Left => "start",
            HPos::Center => "center",
            HPos::Right => "end",
        });
        self.ctx.set_fill_style(&css(colour));
        self.ctx.set_font(&font(s));
        let drawn = self.ctx.fill_text(text, x, y).map_err(js_err);
        if turn != 0.0 {
            self.ctx.restore();
        }
        drawn
    }

    fn estimate_text_size<T: BackendTextStyle>(&self, text: &str, s: &T) -> Result<(u32, u32), DrawingErrorKind<CtxError>> {
        self.ctx.set_font(&font(s));
        let w = self.ctx.measure_text(text).map(|m| m.width()).unwrap_or(s.size() * 0.6 * text.chars().count() as f64);
        Ok((w.ceil().max(0.0) as u32, (s.size() * 1.2).ceil().max(0.0) as u32))
    }
}

fn font<T: BackendTextStyle>(s: &T) -> String {
    format!("{} {}px {}", s.style().as_str(), s.size(), s.family().as_str())
}

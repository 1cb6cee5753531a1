//! Line charts and heat-map frames drawn against any plotters `DrawingBackend`.
//!
//! Each drawing function returns a [`Transform`]: the plot area in pixels and the data
//! ranges it shows, the one owner of the pixel ↔ data mapping (the page uses it for hover
//! readouts and clicks).

use plotters::coord::Shift;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::FontFamily;

/// The charts' type face, named by variant: plotters' `From<&str>` would lower-case the name at
/// every use, which pulls Unicode's case tables into the wasm (~4 KB gzip).
const SANS: FontFamily<'static> = FontFamily::SansSerif;

/// The plot area in backend pixels and the data ranges it maps.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Transform {
    pub left: f64,
    pub top: f64,
    pub width: f64,
    pub height: f64,
    pub x_min: f64,
    pub x_max: f64,
    pub y_min: f64,
    pub y_max: f64,
    /// Whether the axes show log10 of the data.
    pub log_x: bool,
    pub log_y: bool,
}

impl Transform {
    /// Whether pixel (px, py) lies in the plot area, edges included.
    pub fn contains(&self, px: f64, py: f64) -> bool {
        px >= self.left && px <= self.left + self.width && py >= self.top && py <= self.top + self.height
    }

    /// Data coordinates of a pixel (undoing log axes: x = 10^u), or None outside the plot area.
    /// Pixel rows grow downwards, so the top edge is y_max.
    pub fn to_data(&self, px: f64, py: f64) -> Option<(f64, f64)> {
        if !self.contains(px, py) {
            return None;
        }
        let u = self.x_min + (px - self.left) / self.width * (self.x_max - self.x_min);
        let v = self.y_max - (py - self.top) / self.height * (self.y_max - self.y_min);
        Some((if self.log_x { 10f64.powf(u) } else { u }, if self.log_y { 10f64.powf(v) } else { v }))
    }

    /// The pixel of a data point (log axes take log10 first; x ≤ 0 on a log axis gives NaN).
    /// Points outside the ranges map outside the plot area.
    pub fn to_pixel(&self, x: f64, y: f64) -> (f64, f64) {
        let (u, v) = (tr(x, self.log_x), tr(y, self.log_y));
        (self.left + (u - self.x_min) / (self.x_max - self.x_min) * self.width, self.top + (self.y_max - v) / (self.y_max - self.y_min) * self.height)
    }
}

/// One line of a chart.
#[derive(Clone, Debug)]
pub struct Series {
    pub xs: Vec<f64>,
    pub ys: Vec<f64>,
    pub color: RGBColor,
    pub width: u32,
    pub label: Option<String>,
    /// Draw a dot at every point instead of joining them.
    pub dots: bool,
    /// Draw the line dashed (a chord, a reference line) instead of solid.
    pub dashed: bool,
}

impl Default for Series {
    fn default() -> Self {
        Series { xs: Vec::new(), ys: Vec::new(), color: RGBColor(0, 0, 0), width: 2, label: None, dots: false, dashed: false }
    }
}

/// Which corner of the plot area the legend box sits in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum LegendCorner {
    #[default]
    TopRight,
    TopLeft,
    BottomRight,
    BottomLeft,
    /// Under the chart, in as many columns as fit: covers no data whatever the data.
    Below,
}

impl LegendCorner {
    pub const ALL: [LegendCorner; 5] = [LegendCorner::TopRight, LegendCorner::TopLeft, LegendCorner::BottomRight, LegendCorner::BottomLeft, LegendCorner::Below];

    pub fn name(&self) -> &'static str {
        match self {
            LegendCorner::TopRight => "top-right",
            LegendCorner::TopLeft => "top-left",
            LegendCorner::BottomRight => "bottom-right",
            LegendCorner::BottomLeft => "bottom-left",
            LegendCorner::Below => "below",
        }
    }
}

/// A marker at one data point.
#[derive(Clone, Debug)]
pub struct Marker {
    pub x: f64,
    pub y: f64,
    pub color: RGBColor,
    /// Radius in pixels.
    pub size: u32,
    /// Filled circle, or a cross (×) when false.
    pub filled: bool,
    pub label: Option<String>,
}

/// The dark rim around filled markers (on the plot and in the legend) and pale legend lines.
const RIM: RGBColor = RGBColor(40, 40, 40);

/// What to draw: axes, titles, lines and markers.
#[derive(Clone, Debug)]
pub struct ChartSpec {
    pub title: String,
    pub x_label: String,
    pub y_label: String,
    pub series: Vec<Series>,
    pub markers: Vec<Marker>,
    /// Base font size in backend pixels (scale by devicePixelRatio for sharp HiDPI text).
    pub font_px: f64,
    pub log_x: bool,
    pub log_y: bool,
    /// Fixed ranges; None fits the finite data.
    pub x_range: Option<(f64, f64)>,
    pub y_range: Option<(f64, f64)>,
    /// Where the legend goes (a corner the data leaves empty).
    pub legend: LegendCorner,
}

impl Default for ChartSpec {
    fn default() -> Self {
        ChartSpec {
            title: String::new(),
            x_label: String::new(),
            y_label: String::new(),
            series: Vec::new(),
            markers: Vec::new(),
            font_px: 14.0,
            log_x: false,
            log_y: false,
            x_range: None,
            y_range: None,
            legend: LegendCorner::TopRight,
        }
    }
}

fn tr(v: f64, log: bool) -> f64 {
    if log {
        if v > 0.0 {
            v.log10()
        } else {
            f64::NAN
        }
    } else {
        v
    }
}

/// A range covering the finite values, padded so it is never empty.
fn fit(values: impl Iterator<Item = f64>, pad_frac: f64) -> (f64, f64) {
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for v in values.filter(|v| v.is_finite()) {
        lo = lo.min(v);
        hi = hi.max(v);
    }
    if !lo.is_finite() {
        return (0.0, 1.0);
    }
    let span = hi - lo;
    let pad = if span > 0.0 { span * pad_frac } else { lo.abs().max(1.0) * 0.05 };
    (lo - pad, hi + pad)
}

fn clean_range(r: (f64, f64)) -> (f64, f64) {
    let (a, b) = r;
    if !a.is_finite() || !b.is_finite() {
        return (0.0, 1.0);
    }
    if b > a {
        (a, b)
    } else {
        (a - 0.5, a + 0.5)
    }
}

/// A tick label; values within 1e-9 of the axis span from 0 are 0 (ticks computed as
/// −2.8e-17 instead of 0 would otherwise print that way). Labels have the usual decimals (3; none
/// from 100 up; one in the mantissa of 1.2e5) or more where the ticks' spacing needs them to tell
/// neighbours apart: an axis or a colour bar of span `span` has 4–6 ticks, ~span/5 apart (a
/// colour bar from 2.304 to 2.307 read 2.304 2.305 2.305 2.306 2.307).
fn tick_label_in(v: f64, log: bool, span: f64) -> String {
    if !log && v.abs() <= 1e-9 * span.abs() {
        return "0".into();
    }
    let step = span.abs() / 5.0;
    let need = if !log && step.is_finite() && step > 0.0 { (-step.log10()).ceil().clamp(-12.0, 12.0) as i64 } else { -12 };
    tick_label(v, log, need)
}

/// `need`: the decimal place (10^−need) the ticks' spacing asks labels to show; negative for
/// spacings of 10 and more.
fn tick_label(v: f64, log: bool, need: i64) -> String {
    if log {
        if (v - v.round()).abs() < 1e-6 {
            format!("1e{}", v.round() as i64)
        } else {
            String::new()
        }
    } else {
        let a = v.abs();
        if a != 0.0 && !(1e-3..1e5).contains(&a) {
            // the mantissa's k-th decimal is worth 10^(e − k)
            let e = a.log10().floor() as i64;
            let m = (e + need).clamp(1, 12) as usize;
            format!("{v:.m$e}")
        } else {
            let d = if a >= 100.0 { need.max(0) } else { need.max(3) } as usize;
            let s = format!("{v:.d$}");
            let s = if s.contains('.') { s.trim_end_matches('0').trim_end_matches('.').to_string() } else { s };
            if s == "-0" {
                "0".into()
            } else {
                s
            }
        }
    }
}

/// A title too wide for `area` on one line (a phone's narrow chart: "Loss for three step sizes,
/// 60 steps each; clipped at 2× the start loss, ↑ = off the top" at 390 px) broken at spaces into
/// lines that fit, drawn centred in a strip at the top of `area` → the area under it, for the chart
/// without a caption. None when the title fits (or is empty): the chart takes it as its caption,
/// as plotters lays it out.
fn title_strip<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, title: &str, f: f64) -> Result<Option<DrawingArea<DB, Shift>>, String>
where
    DB::ErrorType: 'static,
{
    if title.is_empty() {
        return Ok(None);
    }
    let style = (SANS, f * 1.15).into_font().color(&BLACK);
    let (w, h) = area.dim_in_pixel();
    let room = (w as f64 - 2.0 * f * 0.8).max(1.0) as i32;
    let measure = |t: &str| area.estimate_text_size(t, &style).map(|(tw, _)| tw as i32);
    // (a backend that cannot measure text: the caption as before)
    if measure(title).map_or(true, |tw| tw <= room) {
        return Ok(None);
    }
    let measure = |t: &str| measure(t).unwrap_or(i32::MAX);
    let lines = wrap_words(title, room, measure);
    let line_h = (f * 1.15 * 1.25).ceil() as i32;
    let top = (f * 0.8) as i32;
    let centred = style.pos(Pos::new(HPos::Center, VPos::Top));
    for (k, line) in lines.iter().enumerate() {
        area.draw(&Text::new(line.clone(), (w as i32 / 2, top + k as i32 * line_h), centred.clone())).map_err(err)?;
    }
    let strip = (top + lines.len() as i32 * line_h).min(h as i32 / 3);
    Ok(Some(area.split_vertically(strip).1))
}

/// `text`'s words in lines of at most `room` wide by `measure`, each as full as it can be (a word
/// wider than `room` alone on its line).
fn wrap_words(text: &str, room: i32, measure: impl Fn(&str) -> i32) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        let longer = if line.is_empty() { word.to_string() } else { format!("{line} {word}") };
        if line.is_empty() || measure(&longer) <= room {
            line = longer;
        } else {
            lines.push(std::mem::replace(&mut line, word.to_string()));
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

fn err<E: std::fmt::Display>(e: E) -> String {
    format!("drawing failed: {e}")
}

/// Draws a line chart (background, caption, axes, series, markers, legend).
pub fn draw_chart<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, spec: &ChartSpec) -> Result<Transform, String>
where
    DB::ErrorType: 'static,
{
    let (lx, ly) = (spec.log_x, spec.log_y);
    let xr = clean_range(spec.x_range.map(|(a, b)| (tr(a, lx), tr(b, lx))).unwrap_or_else(|| {
        fit(spec.series.iter().flat_map(|s| s.xs.iter().map(|&v| tr(v, lx))).chain(spec.markers.iter().map(|m| tr(m.x, lx))), 0.0)
    }));
    let yr = clean_range(spec.y_range.map(|(a, b)| (tr(a, ly), tr(b, ly))).unwrap_or_else(|| {
        fit(spec.series.iter().flat_map(|s| s.ys.iter().map(|&v| tr(v, ly))).chain(spec.markers.iter().map(|m| tr(m.y, ly))), 0.06)
    }));
    let f = spec.font_px.clamp(6.0, 96.0);
    root.fill(&WHITE).map_err(err)?;
    let entries = chart_legend(spec);
    let (w, h) = root.dim_in_pixel();
    let (area, strip) = if spec.legend == LegendCorner::Below && !entries.is_empty() {
        let lay = legend_layout(root, &entries, f * 0.9, w as i32, LegendCorner::Below)?;
        let (a, b) = root.split_vertically((h as i32 - lay.box_h).max(h as i32 / 2));
        (a, Some(b))
    } else {
        (root.clone(), None)
    };
    let wrapped = title_strip(&area, &spec.title, f)?;
    let area = wrapped.as_ref().unwrap_or(&area);
    let mut builder = ChartBuilder::on(area);
    // (the right margin holds half of the last x tick's label, centred on the plot's right edge:
    // "1000" was cut off at 390 px with the 0.8-font margin the other sides have)
    builder.margin((f * 0.8) as u32).margin_right((f * 1.8) as u32).x_label_area_size((f * 3.0) as u32).y_label_area_size((f * 4.6) as u32);
    if !spec.title.is_empty() && wrapped.is_none() {
        builder.caption(&spec.title, (SANS, f * 1.15));
    }
    let mut chart = builder.build_cartesian_2d(xr.0..xr.1, yr.0..yr.1).map_err(err)?;
    let (sx, sy) = (xr.1 - xr.0, yr.1 - yr.0);
    let fx = move |v: &f64| tick_label_in(*v, lx, sx);
    let fy = move |v: &f64| tick_label_in(*v, ly, sy);
    chart
        .configure_mesh()
        .x_desc(spec.x_label.as_str())
        .y_desc(spec.y_label.as_str())
        .label_style((SANS, f))
        .axis_desc_style((SANS, f))
        .light_line_style(RGBColor(235, 235, 235))
        .bold_line_style(RGBColor(215, 215, 215))
        .x_labels(6)
        .y_labels(6)
        .x_label_formatter(&fx)
        .y_label_formatter(&fy)
        .draw()
        .map_err(err)?;
    for s in &spec.series {
        let style = ShapeStyle { color: s.color.to_rgba(), filled: s.dots, stroke_width: s.width.max(1) };
        // break the line at non-finite values (divergence, log of 0)
        let pts: Vec<(f64, f64)> = s.xs.iter().zip(s.ys.iter()).map(|(&x, &y)| (tr(x, lx), tr(y, ly))).collect();
        let mut segments: Vec<Vec<(f64, f64)>> = vec![Vec::new()];
        for p in pts {
            if p.0.is_finite() && p.1.is_finite() {
                segments.last_mut().expect("non-empty").push(p);
            } else if !segments.last().expect("non-empty").is_empty() {
                segments.push(Vec::new());
            }
        }
        for seg in segments.into_iter().filter(|s| !s.is_empty()) {
            if s.dots || seg.len() == 1 {
                // a line of one point (a run at step 0, a point between gaps) is a dot, not nothing
                let r = if s.dots { s.width.max(2) } else { (s.width + 2).max(3) };
                chart.draw_series(seg.into_iter().map(|p| Circle::new(p, r, ShapeStyle { filled: true, ..style }))).map_err(err)?;
            } else if s.dashed {
                let (dash, gap) = dash_of(f, s.width);
                chart.draw_series(DashedLineSeries::new(seg, dash, gap, style)).map_err(err)?;
            } else {
                chart.draw_series(LineSeries::new(seg, style)).map_err(err)?;
            }
        }
    }
    draw_markers(&mut chart, &spec.markers, lx, ly, &mut Vec::new())?;
    let legend = entries;
    let (px, py) = chart.plotting_area().get_pixel_range();
    match &strip {
        Some(b) => {
            let (_, top) = b.get_base_pixel();
            draw_legend(root, &legend, f * 0.9, (px.start.min(w as i32 / 20), w as i32, top, h as i32), LegendCorner::Below)?
        }
        None => draw_legend(root, &legend, f * 0.9, (px.start, px.end, py.start, py.end), spec.legend)?,
    }
    Ok(Transform {
        left: px.start as f64,
        top: py.start as f64,
        width: (px.end - px.start) as f64,
        height: (py.end - py.start) as f64,
        x_min: xr.0,
        x_max: xr.1,
        y_min: yr.0,
        y_max: yr.1,
        log_x: lx,
        log_y: ly,
    })
}

type Chart2d<'a, DB> = ChartContext<'a, DB, Cartesian2d<plotters::coord::types::RangedCoordf64, plotters::coord::types::RangedCoordf64>>;

fn draw_markers<'a, DB: DrawingBackend + 'a>(chart: &mut Chart2d<'a, DB>, markers: &[Marker], lx: bool, ly: bool, legend: &mut Vec<LegendEntry>) -> Result<(), String>
where
    DB::ErrorType: 'static,
{
    let mut labelled: Vec<String> = Vec::new();
    for m in markers {
        let p = (tr(m.x, lx), tr(m.y, ly));
        if !p.0.is_finite() || !p.1.is_finite() {
            continue;
        }
        let style = ShapeStyle { color: m.color.to_rgba(), filled: m.filled, stroke_width: 2 };
        let r = m.size.max(2);
        if m.filled {
            // a white ring makes a dark dot readable on any background
            chart.draw_series(std::iter::once(Circle::new(p, r as i32 + 1, ShapeStyle { color: RIM.to_rgba(), filled: true, stroke_width: 1 }))).map_err(err)?;
            chart.draw_series(std::iter::once(Circle::new(p, r as i32, style))).map_err(err)?;
        } else {
            chart.draw_series(std::iter::once(Cross::new(p, r as i32, style))).map_err(err)?;
        }
        if let Some(l) = &m.label {
            if !labelled.contains(l) {
                labelled.push(l.clone());
                legend.push(LegendEntry { label: l.clone(), color: m.color, kind: if m.filled { LegendKind::Dot } else { LegendKind::Cross } });
            }
        }
    }
    Ok(())
}

/// Dash and gap lengths in pixels for a dashed line at font size `f`.
fn dash_of(f: f64, width: u32) -> (i32, i32) {
    (((f * 0.7) as i32).max(3 * width as i32), ((f * 0.45) as i32).max(2 * width as i32))
}

#[derive(Clone, Debug)]
enum LegendKind {
    /// width, dashed
    Line(u32, bool),
    Dot,
    Cross,
}

#[derive(Clone, Debug)]
struct LegendEntry {
    label: String,
    color: RGBColor,
    kind: LegendKind,
}

/// What the legend of a line chart lists: the labelled series, then each labelled marker
/// once (markers off the axes are not drawn, so not listed).
fn chart_legend(spec: &ChartSpec) -> Vec<LegendEntry> {
    let mut out: Vec<LegendEntry> = Vec::new();
    for s in spec.series.iter().filter(|s| s.label.is_some()) {
        let kind = if s.dots { LegendKind::Dot } else { LegendKind::Line(s.width.max(1), s.dashed) };
        out.push(LegendEntry { label: s.label.clone().unwrap_or_default(), color: s.color, kind });
    }
    let mut labelled: Vec<&String> = Vec::new();
    for m in &spec.markers {
        let on = tr(m.x, spec.log_x).is_finite() && tr(m.y, spec.log_y).is_finite();
        if let (true, Some(l)) = (on, &m.label) {
            if !labelled.contains(&l) {
                labelled.push(l);
                out.push(LegendEntry { label: l.clone(), color: m.color, kind: if m.filled { LegendKind::Dot } else { LegendKind::Cross } });
            }
        }
    }
    out
}

/// Sizes of a legend: one column in a corner, as many as fit `width` below the chart.
struct LegendLayout {
    pad: i32,
    swatch: i32,
    line_h: i32,
    col_w: i32,
    cols: usize,
    box_w: i32,
    box_h: i32,
}

fn legend_layout<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, entries: &[LegendEntry], f: f64, width: i32, corner: LegendCorner) -> Result<LegendLayout, String>
where
    DB::ErrorType: 'static,
{
    let style = (SANS, f).into_font().color(&BLACK);
    let pad = (f * 0.5) as i32;
    let swatch = (f * 1.6) as i32;
    let line_h = (f * 1.35) as i32;
    let mut text_w = 0;
    for e in entries {
        let (w, _) = root.estimate_text_size(&e.label, &style).map_err(err)?;
        text_w = text_w.max(w as i32);
    }
    let col_w = pad * 3 + swatch + text_w;
    let n = entries.len().max(1);
    let cols = if corner == LegendCorner::Below { (((width - 2 * pad) / col_w.max(1)).max(1) as usize).min(n) } else { 1 };
    let rows = n.div_ceil(cols) as i32;
    Ok(LegendLayout { pad, swatch, line_h, col_w, cols, box_w: col_w * cols as i32, box_h: pad * 2 + line_h * rows })
}

/// A legend box in `corner` of the plot area (left, right, top, bottom in pixels), or for
/// `Below` in that strip under the chart. Text is measured by the backend (no DOM on the web).
fn draw_legend<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, entries: &[LegendEntry], f: f64, area: (i32, i32, i32, i32), corner: LegendCorner) -> Result<(), String>
where
    DB::ErrorType: 'static,
{
    if entries.is_empty() {
        return Ok(());
    }
    let style = (SANS, f).into_font().color(&BLACK);
    let (left, right, top, bottom) = area;
    let LegendLayout { pad, swatch, line_h, col_w, cols, box_w, box_h } = legend_layout(root, entries, f, right - left, corner)?;
    let x0 = match corner {
        LegendCorner::TopRight | LegendCorner::BottomRight => right - box_w - pad,
        LegendCorner::Below => left,
        _ => left + pad,
    };
    let y0 = match corner {
        LegendCorner::BottomRight | LegendCorner::BottomLeft => bottom - box_h - pad,
        LegendCorner::Below => top,
        _ => top + pad,
    };
    if corner != LegendCorner::Below {
        root.draw(&Rectangle::new([(x0, y0), (x0 + box_w, y0 + box_h)], WHITE.mix(0.88).filled())).map_err(err)?;
        root.draw(&Rectangle::new([(x0, y0), (x0 + box_w, y0 + box_h)], RGBColor(160, 160, 160).stroke_width(1))).map_err(err)?;
    }
    for (k, e) in entries.iter().enumerate() {
        let (row, col) = ((k / cols) as i32, (k % cols) as i32);
        let cy = y0 + pad + line_h * row + line_h / 2;
        let sx = x0 + pad + col_w * col;
        let c = e.color;
        match e.kind {
            LegendKind::Line(w, dashed) => {
                let seg = vec![(sx, cy), (sx + swatch, cy)];
                // a pale line (white on a heat map) gets a dark rim, or it vanishes on the light box
                if u32::from(c.0) + u32::from(c.1) + u32::from(c.2) > 600 {
                    root.draw(&PathElement::new(seg.clone(), ShapeStyle { color: RIM.to_rgba(), filled: true, stroke_width: w.max(2) + 2 })).map_err(err)?;
                }
                let style = ShapeStyle { color: c.to_rgba(), filled: true, stroke_width: w.max(2) };
                if dashed {
                    // short dashes, so at least two show in the swatch
                    let (dash, gap) = (swatch / 4, swatch / 6);
                    root.draw(&DashedPathElement::new(seg, dash.max(2), gap.max(2), style)).map_err(err)?
                } else {
                    root.draw(&PathElement::new(seg, style)).map_err(err)?
                }
            }
            LegendKind::Dot => {
                // the same dark rim as on the plot, so a white dot shows on the light legend box
                let r = (f * 0.35) as i32;
                root.draw(&Circle::new((sx + swatch / 2, cy), r + 1, RIM.filled())).map_err(err)?;
                root.draw(&Circle::new((sx + swatch / 2, cy), r, c.filled())).map_err(err)?
            }
            LegendKind::Cross => root.draw(&Cross::new((sx + swatch / 2, cy), (f * 0.35) as i32, ShapeStyle { color: c.to_rgba(), filled: false, stroke_width: 2 })).map_err(err)?,
        }
        root.draw(&Text::new(e.label.clone(), (sx + swatch + pad, cy - (f * 0.55) as i32), style.clone())).map_err(err)?;
    }
    Ok(())
}

/// What a heat-map frame shows besides the pixels.
#[derive(Clone, Debug)]
pub struct HeatmapSpec {
    pub title: String,
    pub x_label: String,
    pub y_label: String,
    pub x_range: (f64, f64),
    pub y_range: (f64, f64),
    /// Value range of the colour bar.
    pub lo: f64,
    pub hi: f64,
    pub colorbar_label: String,
    /// Paths over the image (e.g. an optimizer's trajectory), in data coordinates.
    pub paths: Vec<Series>,
    pub markers: Vec<Marker>,
    pub font_px: f64,
}

/// Draws axes, a viridis colour bar and overlays around a heat map. `put_image(x, y, w, h)`
/// is called with the plot area in pixels after the axes and before the overlays, to put
/// the heat-map pixels there (the page does it with one `putImageData`).
pub fn draw_heatmap_frame<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    spec: &HeatmapSpec,
    mut put_image: impl FnMut(i32, i32, u32, u32) -> Result<(), String>,
) -> Result<Transform, String>
where
    DB::ErrorType: 'static,
{
    let f = spec.font_px.clamp(6.0, 96.0);
    root.fill(&WHITE).map_err(err)?;
    let (w, _h) = root.dim_in_pixel();
    let bar_w = (f * 5.5) as u32;
    let (main, bar) = root.split_horizontally(w.saturating_sub(bar_w));
    let xr = clean_range(spec.x_range);
    let yr = clean_range(spec.y_range);
    let wrapped = title_strip(&main, &spec.title, f)?;
    let in_strip = wrapped.is_some();
    let main = wrapped.unwrap_or(main);
    let mut builder = ChartBuilder::on(&main);
    builder.margin((f * 0.8) as u32).x_label_area_size((f * 3.0) as u32).y_label_area_size((f * 4.2) as u32);
    if !spec.title.is_empty() && !in_strip {
        builder.caption(&spec.title, (SANS, f * 1.15));
    }
    let mut chart = builder.build_cartesian_2d(xr.0..xr.1, yr.0..yr.1).map_err(err)?;
    let (sx, sy) = (xr.1 - xr.0, yr.1 - yr.0);
    let fmtx = move |v: &f64| tick_label_in(*v, false, sx);
    let fmty = move |v: &f64| tick_label_in(*v, false, sy);
    chart
        .configure_mesh()
        .disable_mesh()
        .x_desc(spec.x_label.as_str())
        .y_desc(spec.y_label.as_str())
        .label_style((SANS, f))
        .axis_desc_style((SANS, f))
        .x_labels(5)
        .y_labels(5)
        .x_label_formatter(&fmtx)
        .y_label_formatter(&fmty)
        .draw()
        .map_err(err)?;
    // (the plot area in the backend's pixels: a drawing area's range is absolute, whatever part
    // of the canvas the area is — under a wrapped title it does not start at the top)
    let (px, py) = chart.plotting_area().get_pixel_range();
    put_image(px.start, py.start, (px.end - px.start).max(1) as u32, (py.end - py.start).max(1) as u32)?;
    let mut legend: Vec<LegendEntry> = Vec::new();
    for s in &spec.paths {
        let pts: Vec<(f64, f64)> = s.xs.iter().zip(s.ys.iter()).map(|(&x, &y)| (x, y)).filter(|p| p.0.is_finite() && p.1.is_finite()).collect();
        if pts.is_empty() {
            continue;
        }
        let style = ShapeStyle { color: s.color.to_rgba(), filled: true, stroke_width: s.width.max(1) };
        chart.draw_series(LineSeries::new(pts, style).point_size(s.width.max(1) + 1)).map_err(err)?;
        if let Some(l) = &s.label {
            legend.push(LegendEntry { label: l.clone(), color: s.color, kind: LegendKind::Line(s.width.max(1), false) });
        }
    }
    draw_markers(&mut chart, &spec.markers, false, false, &mut legend)?;
    // (the legend and the colour bar are drawn in their areas' own pixels: root's are the
    // backend's; the bar's rows are counted from its top, which is the root's)
    draw_legend(root, &legend, f * 0.9, (px.start, px.end, py.start, py.end), LegendCorner::TopLeft)?;
    let bar_top = bar.get_base_pixel().1;
    draw_colorbar(&bar, spec, f, py.start - bar_top, py.end - bar_top)?;
    Ok(Transform {
        left: px.start as f64,
        top: py.start as f64,
        width: (px.end - px.start) as f64,
        height: (py.end - py.start) as f64,
        x_min: xr.0,
        x_max: xr.1,
        y_min: yr.0,
        y_max: yr.1,
        log_x: false,
        log_y: false,
    })
}

fn draw_colorbar<DB: DrawingBackend>(bar: &DrawingArea<DB, Shift>, spec: &HeatmapSpec, f: f64, top: i32, bottom: i32) -> Result<(), String>
where
    DB::ErrorType: 'static,
{
    let lut = super::heatmap::viridis_lut();
    let x0 = (f * 0.4) as i32;
    let x1 = x0 + (f * 1.1) as i32;
    let hgt = (bottom - top).max(1);
    let steps = hgt.min(128);
    for k in 0..steps {
        let y_a = bottom - (k * hgt) / steps;
        let y_b = bottom - ((k + 1) * hgt) / steps;
        let c = lut[((k as f64 + 0.5) / steps as f64 * 255.0) as usize];
        bar.draw(&Rectangle::new([(x0, y_b), (x1, y_a)], RGBColor(c[0], c[1], c[2]).filled())).map_err(err)?;
    }
    bar.draw(&Rectangle::new([(x0, top), (x1, bottom)], RGBColor(90, 90, 90).stroke_width(1))).map_err(err)?;
    let style = (SANS, f * 0.85).into_font().color(&BLACK);
    let (lo, hi) = (spec.lo, spec.hi);
    for k in 0..=4 {
        let v = if hi > lo { lo + (hi - lo) * k as f64 / 4.0 } else { lo };
        let y = bottom - (k * hgt) / 4;
        bar.draw(&PathElement::new(vec![(x1, y), (x1 + 4, y)], BLACK)).map_err(err)?;
        bar.draw(&Text::new(tick_label_in(v, false, hi - lo), (x1 + 6, y - (f * 0.45) as i32), style.clone())).map_err(err)?;
    }
    if !spec.colorbar_label.is_empty() {
        bar.draw(&Text::new(spec.colorbar_label.clone(), (x0, (top - (f * 1.4) as i32).max(0)), style)).map_err(err)?;
    }
    Ok(())
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    fn svg_of(spec: &ChartSpec) -> (String, Transform) {
        svg_sized(spec, (480, 320))
    }

    fn svg_sized(spec: &ChartSpec, size: (u32, u32)) -> (String, Transform) {
        let mut buf = String::new();
        let t = {
            let root = SVGBackend::with_string(&mut buf, size).into_drawing_area();
            let t = draw_chart(&root, spec).unwrap();
            root.present().unwrap();
            t
        };
        (buf, t)
    }

    #[test]
    fn line_chart_draws_lines_labels_and_a_usable_transform() {
        let xs: Vec<f64> = (0..11).map(|i| i as f64 - 5.0).collect();
        let ys: Vec<f64> = xs.iter().map(|x: &f64| x.abs()).collect();
        let spec = ChartSpec {
            title: "L(W + a·W1)".into(),
            x_label: "a".into(),
            y_label: "loss".into(),
            series: vec![Series { xs, ys, color: RGBColor(0, 0, 200), width: 2, label: Some("average".into()), dots: false, dashed: false }],
            ..Default::default()
        };
        let (svg, t) = svg_of(&spec);
        assert!(svg.contains("<polyline"), "a line is drawn");
        assert!(svg.contains("average") && svg.contains("loss"));
        // the transform maps the plot area corners to the data range
        let (x, y) = t.to_data(t.left, t.top + t.height).unwrap();
        assert!((x - t.x_min).abs() < 1e-9 && (y - t.y_min).abs() < 1e-9);
        assert!(t.x_min <= -5.0 && t.x_max >= 5.0 && t.y_min <= 0.0 && t.y_max >= 5.0);
    }

    #[test]
    fn tick_labels_tell_neighbouring_ticks_apart() {
        // the usual labels where the spacing allows them
        assert_eq!(tick_label_in(2.5, false, 10.0), "2.5");
        assert_eq!(tick_label_in(0.125, false, 1.0), "0.125");
        assert_eq!(tick_label_in(250.0, false, 1000.0), "250");
        assert_eq!(tick_label_in(-3e-18, false, 2.0), "0");
        assert_eq!(tick_label_in(123456.0, false, 1e6), "1.2e5");
        assert_eq!(tick_label_in(2.0, true, 4.0), "1e2");
        // five ticks over small spans at several magnitudes: all distinct
        for (lo, hi) in [(2.304, 2.307), (1000.2, 1000.8), (0.5, 0.5004), (123456.0, 123456.9), (-7.001, -7.0)] {
            let labels: Vec<String> = (0..=4).map(|k| tick_label_in(lo + (hi - lo) * k as f64 / 4.0, false, hi - lo)).collect();
            let mut seen = labels.clone();
            seen.dedup();
            assert_eq!(seen.len(), 5, "{lo}..{hi}: {labels:?}");
        }
        assert_eq!(tick_label_in(2.30525, false, 0.003), "2.3053");
    }

    #[test]
    fn words_wrap_into_full_lines_that_fit() {
        // each character 10 px wide: lines of at most 60 px are at most 6 characters
        let w = |t: &str| 10 * t.chars().count() as i32;
        assert_eq!(wrap_words("ab cd ef ghijklmn o", 60, w), vec!["ab cd", "ef", "ghijklmn", "o"]);
        assert_eq!(wrap_words("  ab  cd ", 60, w), vec!["ab cd"]);
        assert_eq!(wrap_words("", 60, w), Vec::<String>::new());
        assert_eq!(wrap_words("Loss for three step sizes", 1000, w), vec!["Loss for three step sizes"]);
    }

    #[test]
    fn a_title_too_wide_for_the_chart_is_drawn_on_lines_that_fit_above_the_plot() {
        let title = "Loss for three step sizes, 60 steps each; clipped at 2× the start loss, ↑ = off the top";
        let draw = |title: &str, w: u32| {
            let spec = ChartSpec { title: title.into(), font_px: 11.0, series: vec![Series { xs: vec![0.0, 60.0], ys: vec![2.0, 1.0], color: RGBColor(0, 0, 0), width: 2, label: None, dots: false, dashed: false }], ..Default::default() };
            svg_sized(&spec, (w, 300))
        };
        let (wide, tw) = draw(title, 1200);
        assert!(wide.contains(title), "on a wide chart the title is one line");
        let (narrow, tn) = draw(title, 360);
        assert!(!narrow.contains(title), "on a 360-px chart the title is not one line");
        // every word is there, in order, on lines of their own
        let words: Vec<&str> = title.split(' ').collect();
        let lines: Vec<String> = wrap_words(title, 340, |t| 7 * t.chars().count() as i32);
        assert!(lines.len() >= 2 && lines.join(" ") == words.join(" "));
        // the plot starts lower, under the lines, and keeps most of the height
        assert!(tn.top > tw.top, "the plot starts under the title's lines ({} against {})", tn.top, tw.top);
        assert!(tn.height > 150.0);
    }

    #[test]
    fn non_finite_values_break_the_line_and_never_fail() {
        let spec = ChartSpec {
            series: vec![Series {
                xs: vec![0.0, 1.0, 2.0, 3.0],
                ys: vec![1.0, f64::NAN, f64::INFINITY, 2.0],
                color: RGBColor(0, 0, 0),
                width: 1,
                label: None,
                dots: false,
                dashed: false,
            }],
            ..Default::default()
        };
        let (svg, t) = svg_of(&spec);
        assert!(!svg.contains("NaN") && !svg.contains("inf"));
        assert!(t.y_max.is_finite());
        // empty chart: still a frame
        let (svg, _) = svg_of(&ChartSpec::default());
        assert!(svg.contains("<svg"));
    }

    #[test]
    fn log_axes_label_powers_of_ten() {
        let xs = vec![1e-10, 1e-6, 1e-2];
        let spec = ChartSpec {
            log_x: true,
            log_y: true,
            series: vec![Series { xs: xs.clone(), ys: xs, color: RGBColor(0, 0, 0), width: 1, label: None, dots: false, dashed: false }],
            ..Default::default()
        };
        let (svg, t) = svg_of(&spec);
        assert!(svg.contains("1e-6") || svg.contains("1e-4"), "log tick labels");
        let (x, _) = t.to_data(t.left + t.width, t.top).unwrap();
        assert!((x.log10() - t.x_max).abs() < 1e-9);
    }

    #[test]
    fn transform_round_trips_handles_log_axes_and_says_none_outside() {
        let t = Transform { left: 50.0, top: 10.0, width: 400.0, height: 200.0, x_min: -2.0, x_max: 2.0, y_min: 0.0, y_max: 10.0, log_x: false, log_y: false };
        // hand-worked: the centre pixel (250, 110) is (0, 5); the top-left corner is (x_min, y_max)
        assert_eq!(t.to_data(250.0, 110.0), Some((0.0, 5.0)));
        assert_eq!(t.to_data(50.0, 10.0), Some((-2.0, 10.0)));
        assert_eq!(t.to_pixel(1.0, 2.5), (350.0, 160.0));
        for (x, y) in [(-1.5, 0.25), (0.3, 9.0), (2.0, 0.0)] {
            let (px, py) = t.to_pixel(x, y);
            let (bx, by) = t.to_data(px, py).unwrap();
            assert!((bx - x).abs() < 1e-12 && (by - y).abs() < 1e-12, "({x}, {y}) → ({px}, {py}) → ({bx}, {by})");
        }
        // outside the plot area, by a pixel on each side
        for (px, py) in [(49.0, 100.0), (451.0, 100.0), (200.0, 9.0), (200.0, 211.0), (f64::NAN, 100.0)] {
            assert_eq!(t.to_data(px, py), None, "({px}, {py})");
        }
        // log axes: the ranges are log10 values; h from 1e-10 to 1 across 400 px
        let l = Transform { x_min: -10.0, x_max: 0.0, y_min: -12.0, y_max: 0.0, log_x: true, log_y: true, ..t };
        let (px, py) = l.to_pixel(1e-5, 1e-6);
        assert!((px - 250.0).abs() < 1e-9 && (py - 110.0).abs() < 1e-9, "({px}, {py})");
        let (x, y) = l.to_data(px, py).unwrap();
        assert!((x / 1e-5 - 1.0).abs() < 1e-12 && (y / 1e-6 - 1.0).abs() < 1e-12);
        assert!(l.to_pixel(0.0, 1.0).0.is_nan(), "0 has no place on a log axis");
    }

    #[test]
    fn a_line_of_one_finite_point_is_drawn_as_a_dot() {
        // a run at step 0: one loss value; before, nothing at all was drawn
        let one = |ys: Vec<f64>| ChartSpec {
            series: vec![Series { xs: (0..ys.len()).map(|i| i as f64).collect(), ys, color: RGBColor(0, 114, 178), width: 2, ..Default::default() }],
            ..Default::default()
        };
        let (svg, t) = svg_of(&one(vec![3.19]));
        assert_eq!(svg.matches("<circle").count(), 1, "one dot: {svg}");
        assert!(svg.contains(r##"fill="#0072B2""##), "in the series' colour");
        assert!(t.y_min < 3.19 && t.y_max > 3.19 && t.x_min < 0.0 && t.x_max > 0.0, "the point is inside the ranges");
        // a point isolated between gaps is a dot too; a line of two is a line and no dot
        let ours = |svg: &str| svg.split('<').filter(|p| p.starts_with("polyline") && p.contains("#0072B2")).count();
        let (svg, _) = svg_of(&one(vec![1.0, f64::NAN, 2.0, 2.5]));
        assert_eq!((svg.matches("<circle").count(), ours(&svg)), (1, 1), "{svg}");
        let (svg, _) = svg_of(&one(vec![1.0, 2.0]));
        assert_eq!(svg.matches("<circle").count(), 0);
        // no finite point: no mark
        let (svg, _) = svg_of(&one(vec![f64::NAN]));
        assert_eq!(svg.matches("<circle").count(), 0);
    }

    #[test]
    fn dashed_series_and_legend_corners() {
        let line = |dashed| Series { xs: vec![0.0, 10.0], ys: vec![0.0, 10.0], color: RGBColor(0, 0, 0), width: 2, label: Some("chord".into()), dashed, ..Default::default() };
        let (solid, _) = svg_of(&ChartSpec { series: vec![line(false)], ..Default::default() });
        let (dashed, _) = svg_of(&ChartSpec { series: vec![line(true)], ..Default::default() });
        // plotters draws a dashed line as many short segments (and the legend swatch too)
        let lines = |svg: &str| svg.matches("<polyline").count() + svg.matches("<line").count();
        assert!(lines(&dashed) > lines(&solid) + 4, "dashes: {} vs {}", lines(&dashed), lines(&solid));
        // the legend box (the translucent white rectangle) sits in the corner asked for
        let boxes = |corner| {
            let (svg, t) = svg_of(&ChartSpec { series: vec![line(false)], legend: corner, ..Default::default() });
            let rect = svg.split("<rect").filter(|r| r.contains("opacity=\"0.88")).map(|r| r.to_string()).next().expect("a legend box");
            let attr = |name: &str| -> f64 {
                let i = rect.find(&format!(" {name}=\"")).unwrap() + name.len() + 3;
                rect[i..].split('"').next().unwrap().parse().unwrap()
            };
            (attr("x") + attr("width") / 2.0 - (t.left + t.width / 2.0), attr("y") + attr("height") / 2.0 - (t.top + t.height / 2.0))
        };
        let (x, y) = boxes(LegendCorner::TopRight);
        assert!(x > 0.0 && y < 0.0, "top right: ({x}, {y})");
        let (x, y) = boxes(LegendCorner::BottomLeft);
        assert!(x < 0.0 && y > 0.0, "bottom left: ({x}, {y})");
        let (x, y) = boxes(LegendCorner::BottomRight);
        assert!(x > 0.0 && y > 0.0, "bottom right: ({x}, {y})");
        let (x, y) = boxes(LegendCorner::TopLeft);
        assert!(x < 0.0 && y < 0.0, "top left: ({x}, {y})");
        // below: the plot area shrinks and every label is drawn under it, in columns
        let many: Vec<Series> = (0..6).map(|k| Series { label: Some(format!("line {k}")), ..line(false) }).collect();
        let (svg0, t0) = svg_of(&ChartSpec { series: many.clone(), ..Default::default() });
        let (svg, t) = svg_of(&ChartSpec { series: many, legend: LegendCorner::Below, ..Default::default() });
        assert!(t.height < t0.height && t.width == t0.width, "{t:?} vs {t0:?}");
        let ys: Vec<f64> = (0..6).map(|k| {
            let i = svg.find(&format!(">\nline {k}\n<")).unwrap_or_else(|| panic!("label drawn: {svg}"));
            let tag = &svg[svg[..i].rfind("<text").unwrap()..i];
            let j = tag.find(" y=\"").unwrap() + 4;
            tag[j..].split('"').next().unwrap().parse().unwrap()
        }).collect();
        assert!(ys.iter().all(|&y| y > t.top + t.height), "labels under the plot area: {ys:?}");
        assert!(ys.iter().filter(|&&y| y == ys[0]).count() >= 2, "side by side: {ys:?}");
        assert!(!svg.contains("opacity=\"0.88") && svg0.contains("opacity=\"0.88"), "no box over the data");
    }

    /// A heat map over [−1, 1]², colour bar 0.5 to 3, 12-px type, nothing drawn over it.
    fn heat_spec(title: &str) -> HeatmapSpec {
        HeatmapSpec {
            title: title.into(),
            x_label: "a".into(),
            y_label: "b".into(),
            x_range: (-1.0, 1.0),
            y_range: (-1.0, 1.0),
            lo: 0.5,
            hi: 3.0,
            colorbar_label: "loss".into(),
            paths: vec![],
            markers: vec![],
            font_px: 12.0,
        }
    }

    #[test]
    fn heatmap_frame_calls_put_image_inside_the_frame() {
        let mut buf = String::new();
        let mut rect = (0, 0, 0, 0);
        let spec = HeatmapSpec {
            markers: vec![Marker { x: 0.0, y: 0.0, color: RGBColor(255, 255, 255), size: 4, filled: true, label: Some("W".into()) }],
            ..heat_spec("L(W + a·W1 + b·W2)")
        };
        let t = {
            let root = SVGBackend::with_string(&mut buf, (400, 300)).into_drawing_area();
            let t = draw_heatmap_frame(&root, &spec, |x, y, w, h| {
                rect = (x, y, w, h);
                Ok(())
            })
            .unwrap();
            root.present().unwrap();
            t
        };
        assert!(rect.2 > 100 && rect.3 > 100 && rect.0 > 0 && rect.1 >= 0);
        assert_eq!((t.left, t.top, t.width, t.height), (rect.0 as f64, rect.1 as f64, rect.2 as f64, rect.3 as f64));
        assert!(buf.contains("0.5") && buf.contains("3"), "colour bar ticks");
        assert!(rect.0 as u32 + rect.2 < 400, "image leaves room for the colour bar");
    }

    #[test]
    fn a_heat_maps_long_title_wraps_and_its_colour_bar_stays_beside_the_plot() {
        let draw = |title: &str| {
            let mut buf = String::new();
            let mut rect = (0, 0, 0, 0);
            let t = {
                let root = SVGBackend::with_string(&mut buf, (360, 360)).into_drawing_area();
                let t = draw_heatmap_frame(&root, &heat_spec(title), |x, y, w, h| {
                    rect = (x, y, w, h);
                    Ok(())
                })
                .unwrap();
                root.present().unwrap();
                t
            };
            assert_eq!((t.left, t.top, t.width, t.height), (rect.0 as f64, rect.1 as f64, rect.2 as f64, rect.3 as f64), "{title}: the image is the plot area");
            (buf, t)
        };
        let long = "students_exam_scores_after_standardisation_v2.csv, SOFTMAX: loss around W";
        let (short_svg, short) = draw("iris, SOFTMAX: loss around W");
        let (long_svg, wrapped) = draw(long);
        assert!(short_svg.contains("iris, SOFTMAX: loss around W"));
        assert!(!long_svg.contains(long), "the long title is not one line at 360 px");
        assert!(wrapped.top > short.top && wrapped.height > 150.0);
        // the title's lines take rows from the top only: the plot (and the image put in it) ends
        // where it ends under a short title, above the x axis's labels (the image was once put a
        // strip's height too low, over those labels)
        assert_eq!(wrapped.top + wrapped.height, short.top + short.height, "the plot's bottom moved");
        // the colour bar's outline (a 1-px grey rectangle) spans the plot's rows in both
        for (svg, t) in [(&short_svg, short), (&long_svg, wrapped)] {
            let bar = svg.lines().find(|l| l.contains("<rect") && l.contains("stroke=\"#5A5A5A\"")).expect("the colour bar's outline");
            let num = |k: &str| -> f64 { bar.split(&format!(" {k}=\"")).nth(1).unwrap().split('"').next().unwrap().parse().unwrap() };
            assert!((num("y") - t.top).abs() <= 1.0 && (num("y") + num("height") - (t.top + t.height)).abs() <= 1.0, "bar {bar} against the plot {t:?}");
        }
    }
}

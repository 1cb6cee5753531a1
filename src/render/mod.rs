//! Drawing. Charts are written against plotters' generic `DrawingBackend`, so they draw the
//! same into a browser canvas (plotters-canvas) and into an SVG string in native tests.
//! Dense pixels (heat maps) are not drawn through plotters: they are filled into one RGBA
//! buffer that the page puts on the canvas with a single `putImageData`.

pub mod chart;
pub mod heatmap;

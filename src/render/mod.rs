//! Output renderers: one small module per format over one diagnostic type.

//! dflint-rules

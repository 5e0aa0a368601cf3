//! dflint-context

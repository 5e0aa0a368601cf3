//! dflint-syntax

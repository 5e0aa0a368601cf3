//! dflint-engine

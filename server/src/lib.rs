//! dflint-server

//! `declare_rule!`: a rule's doc comment is its documentation, available at run time as `DOCS`
//! (for `dflint explain`, hover and SARIF), so docs cannot drift from code.

#[macro_export]
macro_rules! declare_rule {
    ($(#[doc = $doc:expr])* $vis:vis struct $name:ident;) => {
        $(#[doc = $doc])*
        $vis struct $name;
        impl $name {
            /// The rule's documentation (Markdown), from its doc comment.
            pub const DOCS: &'static str = concat!($($doc, "\n"),*);
        }
    };
}

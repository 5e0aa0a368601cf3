//! Property: any input, valid or not, parses without panicking and round-trips byte for byte.

use proptest::prelude::*;

fn check(text: &str) {
    let parsed = dflint_syntax::parse(text);
    assert_eq!(parsed.syntax().to_string(), text);
    for e in parsed.errors() {
        assert!(usize::from(e.range.end()) <= text.len());
    }
    // The BuildKit view must not panic either.
    let _ = dflint_syntax::buildkit::nodes(&parsed, text);
}

/// Fragments that exercise the grammar's corners, glued together at random.
fn fragment() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("FROM a AS b\n".to_string()),
        Just("RUN x \\\n".to_string()),
        Just("  # c \\\n".to_string()),
        Just("\n".to_string()),
        Just("\r\n".to_string()),
        Just("# escape=`\n".to_string()),
        Just("RUN <<EOF cat\n".to_string()),
        Just("COPY <<-\"A\" <<B /d\n".to_string()),
        Just("EOF\n".to_string()),
        Just("\tA\n".to_string()),
        Just("ENV a=\"b c\" d=e\n".to_string()),
        Just("LABEL k v w\n".to_string()),
        Just("CMD [\"a\", 1]\n".to_string()),
        Just("ENTRYPOINT [\"a\",\n".to_string()),
        Just("ONBUILD RUN --mount=type=cache,target=/x y\n".to_string()),
        Just("HEALTHCHECK --interval=5s CMD [\"c\"]\n".to_string()),
        Just("ARG x y=${z:-1}\n".to_string()),
        Just("`\n".to_string()),
        Just("\\".to_string()),
        Just("\u{feff}".to_string()),
        "[ -~\t]{0,12}",
        any::<String>(),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn arbitrary_text_round_trips(s in any::<String>()) {
        check(&s);
    }

    #[test]
    fn grammar_fragments_round_trip(parts in prop::collection::vec(fragment(), 0..12)) {
        check(&parts.concat());
    }
}

//! A cold `CheckCache::check` of a large file splits the units over two threads; the result
//! must still equal `check`'s, and so must the next, incremental, check after an edit.

mod common;

use dflint_rules::{check, registry, CheckCache, Model, Settings};

#[test]
fn cold_check_of_a_large_file_on_two_threads_equals_check() {
    let mut settings = Settings::default();
    for r in registry::all() {
        settings.enable(r.meta().code);
    }
    // Official-image Dockerfiles one after another: hundreds of stages and instructions.
    let mut text = String::new();
    let files = common::official_corpus();
    for f in files.iter().step_by(10) {
        text.push_str(&std::fs::read_to_string(f).unwrap_or_default());
        text.push('\n');
    }
    let parse = dflint_syntax::parse(&text);
    let model = Model::new(&text, &parse);
    assert!(
        model.instructions.len() > 1000,
        "too small to use two threads: {} instructions",
        model.instructions.len()
    );
    let mut cache = CheckCache::default();
    let full = check(&model, None, &settings);
    assert!(full.len() > 100);
    assert_eq!(cache.check(&model, None, &settings), full);

    let mid = text.len() / 2 + text[text.len() / 2..].find('\n').unwrap() + 1;
    let mut edited = text.clone();
    edited.insert_str(mid, "RUN apt-get install curl\n");
    let parse = dflint_syntax::parse(&edited);
    let model = Model::new(&edited, &parse);
    assert_eq!(
        cache.check(&model, None, &settings),
        check(&model, None, &settings)
    );
}

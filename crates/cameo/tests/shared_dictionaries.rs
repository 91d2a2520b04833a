//! The readers against the real dictionaries in `../shared`: every block and pattern
//! read, the malformed lines reported with their numbers. Skipped without `../shared`
//! on a developer's machine; a failure when `CI` is set, where it must be there.

use std::path::PathBuf;

fn shared(path: &str) -> Option<String> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data")
        .join(path);
    match std::fs::read_to_string(&path) {
        Ok(text) => Some(text),
        Err(e) => {
            assert!(
                std::env::var_os("CI").is_none(),
                "CI is set but {} cannot be read: {e}",
                path.display()
            );
            eprintln!("skipping: {} not found", path.display());
            None
        }
    }
}

#[test]
fn the_cameo_verb_dictionary_reads_with_few_problems() {
    let Some(text) = shared("cameo-dictionaries/CAMEO.2.0.txt") else {
        return;
    };
    let mut problems = Vec::new();
    let d = dateline_cameo::verbs::read_verbs(&text, |line, what| {
        problems.push(format!("{line}: {what}"))
    });
    // The research notes count 397 verb blocks and 4,668 patterns.
    assert_eq!(d.blocks.len(), 397, "{problems:?}");
    assert!(
        d.pattern_count() + problems.len() >= 4_600,
        "{} patterns",
        d.pattern_count()
    );
    assert!(problems.len() < 40, "{problems:#?}");
    assert!(!d.verbs_of("accuse").is_empty());
}

#[test]
fn the_validation_verb_dictionary_reads() {
    let Some(text) =
        shared("petrarch2-gold/validation-dicts/petr2_02/PETR_Validate_verbs_2_02.txt")
    else {
        return;
    };
    let mut problems = Vec::new();
    let d = dateline_cameo::verbs::read_verbs(&text, |line, what| {
        problems.push(format!("{line}: {what}"))
    });
    assert!(d.blocks.len() > 50);
    assert!(problems.len() < 40, "{problems:#?}");
}

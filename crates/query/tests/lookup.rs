//! Actor lookup as people type: surnames, spelling variants, ids, and a list when
//! several actors fit.

use dateline_core::{Article, Date};
use dateline_query::{ActorLookup, actor_filter, lookup_actor};
use dateline_store::{ActorFilter, DateWindow, Store};

fn store(dir: &std::path::Path) -> Store {
    let texts = [
        (
            "2031-03-02",
            "Matvei Orlenko arrived in Marrowick on Monday. He met reporters.",
        ),
        (
            "2031-03-03",
            "Henrike Vael spoke in Strenholt. Jonas Vael, her brother, spoke later.",
        ),
        (
            "2031-03-09",
            "Matvei Orlenko said the ferry would sail. Henrike Vael agreed.",
        ),
    ];
    let mut store = Store::open(&dir.join("lookup.db")).unwrap();
    let mut writer = store.writer().unwrap();
    for (date, text) in texts {
        writer
            .add(&Article::new(date, date.parse::<Date>().unwrap(), text))
            .unwrap();
    }
    writer.finish().unwrap();
    let batch: Vec<_> = store
        .pending_extraction(1, 100)
        .unwrap()
        .into_iter()
        .map(|(row, article)| (row, dateline_extract::extract(article)))
        .collect();
    store.save_extractions(1, &batch).unwrap();
    store
}

#[test]
fn people_are_found_by_surname_spelling_and_id() {
    let dir = tempfile::tempdir().unwrap();
    let store = store(dir.path());
    let all = DateWindow::default();
    let one = |name: &str| match lookup_actor(&store, name, &all).unwrap() {
        ActorLookup::One { id } => id,
        other => panic!("{name:?}: {other:?}"),
    };
    // The full name, any case; a spelling variant of it; the surname alone in
    // another spelling; the id.
    assert_eq!(one("matvei orlenko"), "matvy-orlenko");
    assert_eq!(one("Matvey Orlenko"), "matvy-orlenko");
    assert_eq!(one("Orlenko"), "matvy-orlenko");
    assert_eq!(one("matvy-orlenko"), "matvy-orlenko");
    // A middle initial the articles never wrote.
    assert_eq!(one("Matvei K. Orlenko"), "matvy-orlenko");
    // Two people share a surname: both listed, the more mentioned first.
    match lookup_actor(&store, "Vael", &all).unwrap() {
        ActorLookup::Several { candidates } => {
            let ids: Vec<&str> = candidates.iter().map(|c| c.id.as_str()).collect();
            assert_eq!(ids, ["henrike-vael", "jonas-vael"]);
            assert!(candidates[0].mentions > candidates[1].mentions);
        }
        other => panic!("Vael: {other:?}"),
    }
    assert_eq!(
        lookup_actor(&store, "Quillon", &all).unwrap(),
        ActorLookup::None
    );
    // As of a day before Jonas Vael was first named, the surname fits one person.
    let early = DateWindow {
        as_of: Some("2031-03-02".parse().unwrap()),
        ..DateWindow::default()
    };
    assert_eq!(
        lookup_actor(&store, "Vael", &early).unwrap(),
        ActorLookup::None
    );
    // Filters take a surname that fits one actor, and keep an ambiguous one a name.
    assert_eq!(
        actor_filter(&store, "Orlenko", &all).unwrap(),
        ActorFilter::Actor("matvy-orlenko".into())
    );
    assert_eq!(
        actor_filter(&store, "Vael", &all).unwrap(),
        ActorFilter::Name("Vael".into())
    );
}

//! What a store was built with: the user's actor dictionaries, kept whole in the
//! store (`settings` table), so that a later `ingest` or `serve` without `--actors`
//! annotates the way the store was built instead of silently re-annotating every
//! article with fewer dictionaries. Changing them is explicit (`--actors`, or
//! `--forget-actors` for the shipped dictionary alone) and is printed.

use std::borrow::Cow;

use anyhow::Context;
use dateline_actors::Dictionary;
use dateline_store::Store;
use serde::{Deserialize, Serialize};

use crate::InputArgs;

/// The setting that holds the actor files, as JSON.
const ACTOR_FILES: &str = "actor_files";

/// A user's actor file as the store keeps it: its name and its whole text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct ActorFile {
    name: String,
    text: String,
}

/// The dictionaries to annotate a store with, and whether the store must learn them.
pub struct StoreDictionaries {
    pub dictionary: Cow<'static, Dictionary>,
    files: Vec<ActorFile>,
    changed: bool,
}

impl StoreDictionaries {
    /// The `--actors` files when given (they replace what the store remembers), the
    /// shipped dictionary alone with `forget`, else the files the store was built
    /// with. A change is announced on stderr.
    pub fn for_store(input: &InputArgs, store: &Store, forget: bool) -> anyhow::Result<Self> {
        let stored = stored_files(store)?;
        let files = if forget {
            Vec::new()
        } else if input.actor_files.is_empty() {
            stored.clone()
        } else {
            input
                .actor_files
                .iter()
                .map(|path| {
                    let text = std::fs::read_to_string(path)
                        .with_context(|| format!("actor dictionary {}", path.display()))?;
                    Ok(ActorFile {
                        name: path.display().to_string(),
                        text,
                    })
                })
                .collect::<anyhow::Result<Vec<_>>>()?
        };
        let changed = files != stored;
        // A new store has nothing to annotate again.
        if changed && store.counts()?.articles > 0 {
            eprintln!(
                "actor dictionaries changed: was {}, now {}; stored articles annotated with the old ones will be annotated again",
                describe(&stored),
                describe(&files)
            );
        } else if input.actor_files.is_empty() && !files.is_empty() {
            eprintln!(
                "annotating with the actor dictionaries this store was built with: {} (--actors FILE to change them, --forget-actors for the shipped dictionary alone)",
                describe(&files)
            );
        }
        let mut dictionary = Cow::Borrowed(dateline_actors::shipped());
        for file in &files {
            let (extended, problems) = dictionary.with_user_text(&file.text, &file.name);
            for problem in &problems {
                eprintln!("skipped {problem}");
            }
            dictionary = Cow::Owned(extended);
        }
        Ok(StoreDictionaries {
            dictionary,
            files,
            changed,
        })
    }

    /// Records the dictionaries in the store, when they changed: call it when they
    /// are about to annotate, so that `--no-extract` changes nothing.
    pub fn remember(&self, store: &Store) -> anyhow::Result<()> {
        if self.changed {
            store.set_setting(ACTOR_FILES, &serde_json::to_string(&self.files)?)?;
        }
        Ok(())
    }
}

/// What `dateline check` says the store was built with.
pub fn describe_store(store: &Store) -> anyhow::Result<String> {
    Ok(describe(&stored_files(store)?))
}

fn stored_files(store: &Store) -> anyhow::Result<Vec<ActorFile>> {
    match store.setting(ACTOR_FILES)? {
        Some(json) => serde_json::from_str(&json)
            .context("the store's record of its actor dictionaries is unreadable"),
        None => Ok(Vec::new()),
    }
}

fn describe(files: &[ActorFile]) -> String {
    if files.is_empty() {
        return "the shipped dictionary alone".into();
    }
    let names: Vec<String> = files
        .iter()
        .map(|f| format!("{} ({} lines)", f.name, f.text.lines().count()))
        .collect();
    format!("the shipped dictionary with {}", names.join(", "))
}

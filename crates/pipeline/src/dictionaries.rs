//! What a store was built with: the user's actor dictionaries, kept whole in the
//! store (`settings` table), so that a later run without them annotates the way the
//! store was built instead of silently re-annotating every article with fewer
//! dictionaries. Changing them is explicit (other files, or forgetting them for the
//! shipped dictionary alone) and comes back as a [`Notice`].

use std::borrow::Cow;
use std::path::PathBuf;

use dateline_actors::Dictionary;
use dateline_store::Store;
use serde::{Deserialize, Serialize};

use crate::{PipelineError, Result};

/// The setting that holds the actor files, as JSON.
const ACTOR_FILES: &str = "actor_files";

/// A user's actor file as the store keeps it: its name and its whole text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct ActorFile {
    name: String,
    text: String,
}

/// What the caller should tell the person running it about the dictionaries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    /// The dictionaries differ from the ones the store's articles were annotated
    /// with: those articles will be annotated again.
    Changed { was: String, now: String },
    /// No files were given, and the store's own are used.
    Remembered { files: String },
    /// A line of a dictionary file that could not be read (`file:line: what`).
    Skipped(String),
}

impl std::fmt::Display for Notice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Notice::Changed { was, now } => write!(
                f,
                "actor dictionaries changed: was {was}, now {now}; stored articles annotated with the old ones will be annotated again"
            ),
            Notice::Remembered { files } => write!(
                f,
                "annotating with the actor dictionaries this store was built with: {files} (--actors FILE to change them, --forget-actors for the shipped dictionary alone)"
            ),
            Notice::Skipped(problem) => write!(f, "skipped {problem}"),
        }
    }
}

/// A user's actor files, read whole: read them before opening a store, so that a
/// missing file stops a run before anything is created or stored.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ActorFiles(Vec<ActorFile>);

impl ActorFiles {
    pub fn read(paths: &[PathBuf]) -> Result<ActorFiles> {
        paths
            .iter()
            .map(|path| {
                let text =
                    std::fs::read_to_string(path).map_err(|source| PipelineError::ActorFile {
                        path: path.display().to_string(),
                        source,
                    })?;
                Ok(ActorFile {
                    name: path.display().to_string(),
                    text,
                })
            })
            .collect::<Result<Vec<_>>>()
            .map(ActorFiles)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// The dictionaries to annotate a store with, and whether the store must learn them.
pub struct StoreDictionaries {
    pub dictionary: Cow<'static, Dictionary>,
    files: Vec<ActorFile>,
    changed: bool,
}

impl StoreDictionaries {
    /// The `given` files when there are any (they replace what the store
    /// remembers), the shipped dictionary alone with `forget`, else the files the
    /// store was built with; and what to tell the person about it.
    pub fn for_store(
        given: &ActorFiles,
        store: &Store,
        forget: bool,
    ) -> Result<(Self, Vec<Notice>)> {
        let stored = stored_files(store)?;
        let files = if forget {
            Vec::new()
        } else if given.is_empty() {
            stored.clone()
        } else {
            given.0.clone()
        };
        let mut notices = Vec::new();
        let changed = files != stored;
        // A new store has nothing to annotate again.
        if changed && store.counts()?.articles > 0 {
            notices.push(Notice::Changed {
                was: describe(&stored),
                now: describe(&files),
            });
        } else if !changed && given.is_empty() && !files.is_empty() {
            notices.push(Notice::Remembered {
                files: describe(&files),
            });
        }
        let mut dictionary = Cow::Borrowed(dateline_actors::shipped());
        for file in &files {
            let (extended, problems) = dictionary.with_user_text(&file.text, &file.name);
            notices.extend(problems.into_iter().map(Notice::Skipped));
            dictionary = Cow::Owned(extended);
        }
        Ok((
            StoreDictionaries {
                dictionary,
                files,
                changed,
            },
            notices,
        ))
    }

    /// Records the dictionaries in the store when they changed: call it when they
    /// are about to annotate, so that storing without annotating changes nothing.
    pub fn remember(&self, store: &Store) -> Result<()> {
        if self.changed {
            store.set_setting(ACTOR_FILES, &serde_json::to_string(&self.files)?)?;
        }
        Ok(())
    }
}

impl StoreDictionaries {
    /// The store's record of its actor files as it stands (compare two to see whether
    /// another process changed them).
    pub fn remembered(store: &Store) -> Result<Option<String>> {
        Ok(store.setting(ACTOR_FILES)?)
    }
}

/// What the store was built with, in words (`dateline check`).
pub fn describe_store(store: &Store) -> Result<String> {
    Ok(describe(&stored_files(store)?))
}

fn stored_files(store: &Store) -> Result<Vec<ActorFile>> {
    match store.setting(ACTOR_FILES)? {
        Some(json) => Ok(serde_json::from_str(&json)?),
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

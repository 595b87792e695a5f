//! Links that carry a page's state, like TensorFlow Playground's: the
//! fragment `#s=<state>` holds the deck, the settings, lesson options and
//! — when they fit — the votes. `<state>` is JSON, deflated
//! (`miniz_oxide`) and written in URL-safe base64 without padding. The
//! fragment never reaches a server.
//!
//! A link opened on the page is never applied silently: its deck and votes
//! go through the same preview and merge as an imported file
//! ([`crate::transfer::merge`]), so nothing stored is overwritten. Lesson
//! options (a simpler page) apply at once and only to that tab.

use std::collections::BTreeMap;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use prefplay_core::playground::collect::{Ballot, Deck, View};
use serde::{Deserialize, Serialize};

use crate::transfer::{WORKSPACE_FORMAT, WORKSPACE_VERSION, WorkspaceFile};
use crate::workspace::{Settings, Workspace};

/// The fragment key.
pub const FRAGMENT_KEY: &str = "s=";
/// Votes go into a link only while the fragment stays this short.
pub const MAX_FRAGMENT_CHARS: usize = 6000;
const VERSION: u32 = 1;

/// What a link carries.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShareState {
    /// Format version.
    pub v: u32,
    /// The deck (whole, so the link stands alone).
    pub deck: Deck,
    /// Mode, k, strategy and the other settings.
    pub settings: Settings,
    /// Lesson page: hide the deck, settings, simulation and file tools.
    #[serde(default)]
    pub lesson: bool,
    /// Voter names the ballots refer to.
    #[serde(default)]
    pub participants: Vec<String>,
    /// The votes, when they fit.
    #[serde(default)]
    pub ballots: Vec<Ballot>,
}

/// What to put in a link.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShareOptions {
    /// Include votes (everyone's, or one voter's for "send my votes").
    pub votes: Option<View>,
    /// Lesson page.
    pub lesson: bool,
}

/// The fragment for the active deck of `workspace` (without the `#`),
/// and whether the votes asked for fit (`false`: they were left out).
pub fn encode(workspace: &Workspace, options: ShareOptions) -> Result<(String, bool), String> {
    let mut state = ShareState {
        v: VERSION,
        deck: workspace.deck().clone(),
        settings: workspace.settings,
        lesson: options.lesson,
        participants: Vec::new(),
        ballots: Vec::new(),
    };
    let without = pack(&state)?;
    let Some(view) = options.votes else {
        return Ok((without, true));
    };
    let ballots: Vec<Ballot> = workspace
        .deck_ballots()
        .iter()
        .filter(|b| view.includes(b.participant))
        .cloned()
        .collect();
    // Renumber the voters who appear, so the link names only them.
    let mut used: BTreeMap<u32, u32> = BTreeMap::new();
    for b in &ballots {
        let next = used.len() as u32;
        used.entry(b.participant).or_insert(next);
    }
    let mut names = vec![String::new(); used.len()];
    for (&old, &new) in &used {
        names[new as usize] = workspace
            .participants
            .get(old as usize)
            .cloned()
            .unwrap_or_else(|| format!("voter {old}"));
    }
    state.participants = names;
    state.ballots = ballots
        .into_iter()
        .map(|b| Ballot {
            participant: used[&b.participant],
            ..b
        })
        .collect();
    let with = pack(&state)?;
    if with.len() + FRAGMENT_KEY.len() > MAX_FRAGMENT_CHARS {
        Ok((without, false))
    } else {
        Ok((with, true))
    }
}

fn pack(state: &ShareState) -> Result<String, String> {
    let json = serde_json::to_vec(state).map_err(|e| e.to_string())?;
    let deflated = miniz_oxide::deflate::compress_to_vec(&json, 9);
    Ok(format!(
        "{FRAGMENT_KEY}{}",
        URL_SAFE_NO_PAD.encode(deflated)
    ))
}

/// Reads a fragment or a whole link (`…#s=…`); `Err` says what is wrong.
pub fn decode(link: &str) -> Result<ShareState, String> {
    let fragment = link.rsplit_once('#').map_or(link, |(_, f)| f).trim();
    let data = fragment
        .strip_prefix(FRAGMENT_KEY)
        .ok_or_else(|| "not a prefplay link (no #s= part)".to_string())?;
    let bytes = URL_SAFE_NO_PAD
        .decode(data.trim_end_matches('='))
        .map_err(|e| format!("the link is damaged ({e})"))?;
    let json = miniz_oxide::inflate::decompress_to_vec_with_limit(&bytes, 64 << 20)
        .map_err(|_| "the link is damaged (it does not inflate)".to_string())?;
    let state: ShareState =
        serde_json::from_slice(&json).map_err(|e| format!("the link is damaged ({e})"))?;
    if state.v > VERSION {
        return Err(format!(
            "the link is from a newer version ({}) of prefplay",
            state.v
        ));
    }
    state.deck.check()?;
    for (k, b) in state.ballots.iter().enumerate() {
        b.observation
            .check(state.deck.items.len())
            .map_err(|e| format!("vote {} in the link: {e}", k + 1))?;
        if b.participant as usize >= state.participants.len() {
            return Err(format!("vote {} in the link names an unknown voter", k + 1));
        }
    }
    Ok(state)
}

impl ShareState {
    /// Opens the link in `workspace`: merges its deck and votes (nothing
    /// stored is overwritten), shows its deck and applies its settings.
    /// Returns how many votes were added.
    pub fn open_in(&self, w: &mut Workspace) -> Result<usize, String> {
        let report = crate::transfer::merge(
            w,
            vec![crate::transfer::Incoming::Workspace(self.to_file())],
        )?;
        let labels = self.deck.labels();
        let deck = w
            .decks
            .iter()
            .rev()
            .find(|d| d.id == self.deck.id && d.labels() == labels)
            .or_else(|| {
                w.decks
                    .iter()
                    .rev()
                    .find(|d| d.labels() == labels && d.name == self.deck.name)
            })
            .map(|d| d.id.clone());
        if let Some(id) = deck {
            w.select_deck(&id);
        }
        w.settings = self.settings;
        w.normalize();
        Ok(report.added)
    }

    /// The link's deck and votes as a workspace file, for the import merge.
    pub fn to_file(&self) -> WorkspaceFile {
        WorkspaceFile {
            format: WORKSPACE_FORMAT.into(),
            version: WORKSPACE_VERSION,
            decks: vec![self.deck.clone()],
            participants: self.participants.clone(),
            ballots: BTreeMap::from([(self.deck.id.clone(), self.ballots.clone())]),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transfer::{Incoming, merge};
    use prefplay_core::data::table::Outcome;
    use prefplay_core::playground::collect::Observation;

    fn vote(id: usize, participant: u32) -> Ballot {
        Ballot {
            id: format!("1700000000000-t-{id:06}"),
            participant,
            prompt: None,
            time_ms: 0.0,
            observation: Observation::Pair {
                left: (id % 12) as u32,
                right: ((id + 1) % 12) as u32,
                outcome: Outcome::A,
            },
        }
    }

    fn class() -> Workspace {
        let mut w = Workspace::default();
        w.add_participant("Ada").unwrap();
        for k in 0..20 {
            w.cast(vote(k, (k % 2) as u32));
        }
        w
    }

    #[test]
    fn a_link_round_trips_deck_settings_and_votes() {
        let mut w = class();
        w.settings.mode = crate::workspace::Mode::Ranking;
        let options = ShareOptions {
            votes: Some(View::Pooled),
            lesson: true,
        };
        let (fragment, fit) = encode(&w, options).unwrap();
        assert!(fit);
        let state = decode(&format!("http://127.0.0.1:8080/#{fragment}")).unwrap();
        assert_eq!(state.deck, *w.deck());
        assert_eq!(state.settings, w.settings);
        assert!(state.lesson);
        assert_eq!(state.ballots.len(), 20);
        assert_eq!(state.participants, vec!["Me", "Ada"]);
    }

    #[test]
    fn send_my_votes_carries_one_voter_and_the_teacher_merges_links() {
        let w = class();
        let mine = ShareOptions {
            votes: Some(View::Participant(1)),
            lesson: false,
        };
        let (fragment, _) = encode(&w, mine).unwrap();
        let state = decode(&fragment).unwrap();
        assert_eq!(state.participants, vec!["Ada"]);
        assert!(state.ballots.iter().all(|b| b.participant == 0));
        assert_eq!(state.ballots.len(), 10);
        let mut teacher = Workspace::default();
        let report = merge(&mut teacher, vec![Incoming::Workspace(state.to_file())]).unwrap();
        assert_eq!(report.added, 10);
        assert_eq!(teacher.participants, vec!["Me", "Ada"]);
        assert!(teacher.deck_ballots().iter().all(|b| b.participant == 1));
    }

    #[test]
    fn opening_a_link_shows_its_deck_with_its_settings() {
        let mut w = class();
        w.settings.mode = crate::workspace::Mode::Likert;
        let id = w.fresh_deck_id();
        w.duplicate_deck(id).unwrap();
        let link = ShareOptions {
            votes: None,
            lesson: false,
        };
        let state = decode(&encode(&w, link).unwrap().0).unwrap();
        let mut other = Workspace::default();
        assert_eq!(state.open_in(&mut other).unwrap(), 0);
        assert_eq!(other.deck().name, "Ice-cream flavours (copy)");
        assert_eq!(other.settings.mode, crate::workspace::Mode::Likert);
    }

    #[test]
    fn too_many_votes_are_left_out_and_said_so() {
        let mut w = Workspace::default();
        for k in 0..5000 {
            w.cast(Ballot {
                id: format!("{k:013}-{k:x}"),
                ..vote(k, 0)
            });
        }
        let all = ShareOptions {
            votes: Some(View::Pooled),
            lesson: false,
        };
        let (fragment, fit) = encode(&w, all).unwrap();
        assert!(!fit);
        assert!(fragment.len() < MAX_FRAGMENT_CHARS);
        assert!(decode(&fragment).unwrap().ballots.is_empty());
    }

    #[test]
    fn damaged_links_say_so() {
        assert!(
            decode("http://x/#t=1")
                .unwrap_err()
                .contains("not a prefplay link")
        );
        assert!(decode("#s=!!!").unwrap_err().contains("damaged"));
        assert!(decode("#s=AAAA").unwrap_err().contains("damaged"));
    }
}

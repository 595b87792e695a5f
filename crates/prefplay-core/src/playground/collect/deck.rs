//! Decks: the items a playground session votes on, with an optional
//! question and optional hidden numeric features per item.

use serde::{Deserialize, Serialize};

use crate::Result;
use crate::data::formats::csv_util::{Csv, error, label, line_of, next_record, number, text};

/// How the page draws a deck's items.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeckKind {
    /// Short text labels.
    #[default]
    Text,
    /// Emoji, drawn large.
    Emoji,
    /// Colour swatches; the features are (red, green, blue) in 0..=1.
    Colour,
    /// Longer candidate answers to the deck's question.
    Answers,
    /// Local images; an item's `image` names its blob in browser storage.
    Images,
}

/// One item of a deck.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct DeckItem {
    /// The text shown (and exported) for the item; unique in its deck.
    pub label: String,
    /// Hidden numeric features, one per [`Deck::feature_names`].
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub features: Vec<f64>,
    /// Key of the item's image blob (image decks only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,
}

/// A named list of items with an optional question.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Deck {
    /// Stable identifier (built-in decks: `builtin-<name>`).
    pub id: String,
    /// Name shown in the deck picker.
    pub name: String,
    /// How items are drawn.
    #[serde(default)]
    pub kind: DeckKind,
    /// The question shown above the items ("" for none).
    #[serde(default)]
    pub question: String,
    /// Names of the hidden features (e.g. `red, green, blue`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub feature_names: Vec<String>,
    /// The items, in deck order.
    pub items: Vec<DeckItem>,
}

impl Deck {
    /// The item labels in deck order.
    pub fn labels(&self) -> Vec<String> {
        self.items.iter().map(|i| i.label.clone()).collect()
    }

    /// Checks what the page relies on: a name, two or more items, unique
    /// non-empty labels, one finite value per feature name on every item.
    pub fn check(&self) -> std::result::Result<(), String> {
        if self.name.trim().is_empty() {
            return Err("the deck needs a name".into());
        }
        if self.items.len() < 2 {
            return Err(format!(
                "deck \"{}\" has {} item(s); voting needs at least 2",
                self.name,
                self.items.len()
            ));
        }
        for (k, item) in self.items.iter().enumerate() {
            if item.label.trim().is_empty() {
                return Err(format!("item {} has an empty label", k + 1));
            }
            if self.items[..k].iter().any(|o| o.label == item.label) {
                return Err(format!("item \"{}\" appears twice", item.label));
            }
            if item.features.len() != self.feature_names.len()
                || !item.features.iter().all(|f| f.is_finite())
            {
                return Err(format!(
                    "item \"{}\" needs {} finite feature value(s)",
                    item.label,
                    self.feature_names.len()
                ));
            }
        }
        Ok(())
    }
}

/// Items from CSV text: a `label` column and any number of numeric
/// `f_<name>` feature columns (other columns are ignored). Labels are
/// trimmed and must be unique. Errors name `source_name`, the line and the
/// column. Returns the items and the feature names (without `f_`).
pub fn parse_csv_deck(csv_text: &str, source_name: &str) -> Result<(Vec<DeckItem>, Vec<String>)> {
    let mut csv = Csv::open(csv_text.as_bytes(), source_name)?;
    let label_col = csv.column("label")?;
    let features: Vec<(usize, String)> = csv
        .headers
        .iter()
        .enumerate()
        .filter_map(|(c, h)| h.strip_prefix("f_").map(|n| (c, n.to_string())))
        .collect();
    let mut items: Vec<DeckItem> = Vec::new();
    let mut record = csv::ByteRecord::new();
    while next_record(&mut csv, &mut record)? {
        let line = line_of(&record);
        let name = label(&record, label_col, source_name, line, "label")?;
        if items.iter().any(|i| i.label == name) {
            return Err(error(
                source_name,
                line,
                "label",
                format!("\"{name}\" appears twice"),
            ));
        }
        let mut values = Vec::with_capacity(features.len());
        for (col, fname) in &features {
            let field = format!("f_{fname}");
            let raw = text(&record, *col, source_name, line, &field)?;
            values.push(number(raw, source_name, line, &field)?);
        }
        items.push(DeckItem {
            label: name.to_string(),
            features: values,
            image: None,
        });
    }
    Ok((items, features.into_iter().map(|(_, n)| n).collect()))
}

//! The crate's one error type.

use thiserror::Error as ThisError;

/// Everything that can go wrong in prefplay-core.
#[derive(Debug, Clone, PartialEq, ThisError)]
pub enum Error {
    /// A parameter is outside its documented range.
    #[error("parameter `{name}` = {value}: {reason}")]
    InvalidParameter {
        /// The parameter's name as the user wrote it.
        name: &'static str,
        /// The offending value, formatted.
        value: String,
        /// What the valid range is.
        reason: &'static str,
    },
    /// A vote names an item index that the dataset does not have.
    #[error("vote {vote}: item index {item} is out of range (the dataset has {n_items} items)")]
    ItemOutOfRange {
        /// Zero-based position of the vote.
        vote: usize,
        /// The bad item index.
        item: usize,
        /// How many items there are.
        n_items: usize,
    },
    /// A vote compares an item with itself.
    #[error("vote {vote}: item {item} is compared with itself")]
    SelfComparison {
        /// Zero-based position of the vote.
        vote: usize,
        /// The item index.
        item: usize,
    },
    /// A malformed input record; `line` is 1-based and counts the header.
    #[error("{source_name}, line {line}, field `{field}`: {message}")]
    Format {
        /// The file (or other source) name given by the caller.
        source_name: String,
        /// 1-based line number.
        line: u64,
        /// The column name.
        field: String,
        /// What is wrong.
        message: String,
    },
    /// A stored ballot is inconsistent with its deck (zero-based position).
    #[error("ballot {ballot}: {message}")]
    InvalidBallot {
        /// Zero-based position of the ballot.
        ballot: usize,
        /// What is wrong.
        message: String,
    },
    /// A value in a row of numbers (1-based, not counting a header) is
    /// outside its range.
    #[error("row {row}, field `{field}` = {value}: {reason}")]
    InvalidRow {
        /// 1-based row number.
        row: usize,
        /// The column name.
        field: &'static str,
        /// The offending value, formatted.
        value: String,
        /// What the valid range is.
        reason: &'static str,
    },
    /// Reading or writing failed.
    #[error("{0}")]
    Io(String),
    /// The target format cannot hold the data (e.g. ties in crowd-kit CSV).
    #[error("{0}")]
    Unsupported(String),
    /// The linear algebra failed (a matrix that should be positive definite was not).
    #[error("numerical failure: {0}")]
    Numerical(&'static str),
}

impl Error {
    /// A format error from a stretch of a source that starts after
    /// `lines_before` lines, renumbered as a line of the whole source.
    pub(crate) fn at_later_line(self, lines_before: u64) -> Self {
        match self {
            Error::Format {
                source_name,
                line,
                field,
                message,
            } => Error::Format {
                source_name,
                line: line + lines_before,
                field,
                message,
            },
            other => other,
        }
    }
}

/// `Result` with [`Error`].
pub type Result<T> = std::result::Result<T, Error>;

/// [`Error::InvalidParameter`] for `name` = `value`.
pub(crate) fn invalid(name: &'static str, value: impl ToString, reason: &'static str) -> Error {
    Error::InvalidParameter {
        name,
        value: value.to_string(),
        reason,
    }
}

/// `Ok` if `value` is finite and above `floor` (or equal, with `inclusive`);
/// otherwise [`Error::InvalidParameter`] naming the parameter.
pub(crate) fn check_finite_above(
    name: &'static str,
    value: f64,
    floor: f64,
    inclusive: bool,
    reason: &'static str,
) -> Result<()> {
    let ok = value.is_finite() && (value > floor || (inclusive && value == floor));
    if ok {
        Ok(())
    } else {
        Err(Error::InvalidParameter {
            name,
            value: value.to_string(),
            reason,
        })
    }
}

//! Data and formats: the data model (`dataset`, `table`, `rankings`, `deck`), label interning, every file format's reader and writer, and the class simulator.

pub mod dataset;
pub mod deck;
pub mod formats;
pub(crate) mod labels;
pub mod rankings;
pub mod simulate;
pub mod table;

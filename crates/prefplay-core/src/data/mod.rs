//! Data and formats: the data model (`dataset`, `table`, `rankings`, `deck`), compressed sparse rows (`csr`), label interning, every file format's reader and writer, and the class simulator.

pub mod csr;
pub mod dataset;
pub mod deck;
pub mod formats;
pub(crate) mod labels;
pub mod rankings;
pub mod simulate;
pub mod table;

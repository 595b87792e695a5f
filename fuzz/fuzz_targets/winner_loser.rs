//! Fuzzes the `winner_loser` reader (checks in `common`): any bytes give a table
//! or an error, never a panic; a table read back from what it writes reads.
#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;
use prefplay_core::data::formats::Format;

fuzz_target!(|data: &[u8]| common::read_fit_round_trip(data, Format::WinnerLoser));

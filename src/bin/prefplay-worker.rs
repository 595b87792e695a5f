//! The fit worker's entry point, built by Trunk as a Web Worker
//! (`data-type="worker"` in index.html).

fn main() {
    prefplay_app::worker::run();
}

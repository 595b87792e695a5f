//! Entry point built by Trunk.

fn main() {
    prefplay_app::mount();
}

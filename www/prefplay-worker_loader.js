// Starts the fit worker: loads wasm-bindgen's script, then its module.
// (Trunk's own loader shim passes a bare path, which wasm-bindgen now
// warns about on the console.)
importScripts("./prefplay-worker.js");
wasm_bindgen({ module_or_path: "./prefplay-worker_bg.wasm" });

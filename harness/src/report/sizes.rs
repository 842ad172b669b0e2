//! Module and glue sizes: the shipped `.wasm` raw and gzip -9, and the JavaScript glue.

use flate2::{Compression, write::GzEncoder};
use std::io::Write;
use std::path::Path;

pub struct Sizes {
    pub wasm_bytes: u64,
    pub wasm_gzip_bytes: u64,
    pub js_glue_bytes: u64,
}

pub fn measure(wasm: &Path, glue: &[&Path]) -> Result<Sizes, String> {
    let bytes = std::fs::read(wasm).map_err(|e| format!("cannot read {}: {e}", wasm.display()))?;
    let mut gzip = GzEncoder::new(Vec::new(), Compression::best());
    gzip.write_all(&bytes).map_err(|e| e.to_string())?;
    let wasm_gzip_bytes = gzip.finish().map_err(|e| e.to_string())?.len() as u64;
    let mut js_glue_bytes = 0;
    for file in glue {
        js_glue_bytes += std::fs::metadata(file).map_err(|e| format!("cannot read {}: {e}", file.display()))?.len();
    }
    Ok(Sizes { wasm_bytes: bytes.len() as u64, wasm_gzip_bytes, js_glue_bytes })
}

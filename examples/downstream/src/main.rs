//! Prints what the script computed (natively; on wasm32 use the `runScript` export).

fn main() {
    match downstream::run_script() {
        Ok(summary) => println!("{summary:?}"),
        Err(error) => {
            eprintln!("error: {error}");
            std::process::exit(1);
        }
    }
}

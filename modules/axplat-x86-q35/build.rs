fn main() {
    // The platform constants come from the TOML file named by AX_CONFIG_PATH.
    println!("cargo:rerun-if-env-changed=AX_CONFIG_PATH");
    if let Ok(path) = std::env::var("AX_CONFIG_PATH") {
        println!("cargo:rerun-if-changed={path}");
    }
}

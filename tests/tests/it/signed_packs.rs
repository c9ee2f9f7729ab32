//! Signed packs and the trust store: what a utility installs and runs is what
//! a trusted publisher signed, never older than what it had, never mixed,
//! tampered with or outside the publisher's namespace. Every refusal leaves
//! the home (trust store and pack store) byte for byte as it was.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use mizuchi::PackFile;
use mizuchi_tests::packs::*;
use mizuchi_tests::{run, s, sample, unsigned_official_pack, wasm_dir};

#[test]
fn the_signed_official_pack_installs_runs_by_default_and_results_name_its_signer() {
    let (m, key, pack) = regulator_setup("1.0.0");
    let key_id = run(&["key", "id", s(&key)]).stdout.trim().to_owned();

    let inspect = m.run(&["pack", "inspect", s(&pack), "--lang", "en"]);
    assert_eq!(inspect.code, 0, "{}", inspect.stderr);
    assert!(inspect.stdout.contains("rules (29):"), "{}", inspect.stdout);
    assert!(
        inspect.stdout.contains("signatures (1):"),
        "{}",
        inspect.stdout
    );
    assert!(
        inspect
            .stdout
            .contains(&format!("{key_id}  valid, publisher MLIT")),
        "{}",
        inspect.stdout
    );

    let installed = m.installs(&pack);
    assert!(
        installed.contains("installed mlit-water 1.0.0"),
        "{installed}"
    );

    // No --pack: the installed pack runs. Its results name the pack digest
    // and the key that signed it, in the report and in the signed ledger.
    let utility = m.key("utility");
    let ledger = m.path("results.jsonl");
    let out = m.run(&[
        "eval",
        "--evidence",
        s(&sample()),
        "--format",
        "json",
        "--ledger",
        s(&ledger),
        "--key",
        s(&utility),
    ]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let report = out.json();
    let digest = PackFile::read(&pack).unwrap().digest();
    assert_eq!(report["packs"][0]["digest"], digest.as_str());
    assert_eq!(report["packs"][0]["publisher"], "MLIT");
    assert_eq!(report["packs"][0]["signed_by"][0], key_id.as_str());
    assert_eq!(report["results"].as_array().unwrap().len(), 29);

    let text = std::fs::read_to_string(&ledger).unwrap();
    let mut results = 0;
    for line in text.lines().skip(1) {
        let statement = statement(line);
        let pack = &statement["predicate"]["pack"];
        assert_eq!(pack["digest"], digest.as_str());
        assert_eq!(pack["publisher"], "MLIT");
        assert_eq!(pack["signed_by"][0], key_id.as_str());
        assert!(pack.get("unsigned").is_none());
        results += 1;
    }
    assert_eq!(results, 29);
}

#[test]
fn an_unsigned_pack_is_refused() {
    let m = Machine::new();
    let key = m.key("regulator");
    m.trust("MLIT", "MLIT-", &[&key], 1);
    m.refuses(&unsigned_official_pack(), "the pack is not signed");
    let out = m.run(&[
        "eval",
        "--pack",
        s(&unsigned_official_pack()),
        "--evidence",
        s(&sample()),
    ]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("the pack is not signed"),
        "{}",
        out.stderr
    );
    // The library says what is wrong; the command line what to run.
    assert!(
        out.stderr
            .contains("hint: its publisher signs it with `mizuchi pack sign`"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_pack_signed_by_an_untrusted_key_is_refused() {
    let (m, _, _) = regulator_setup("1.0.0");
    let impostor = m.key("impostor");
    let t = template(&m.path(""), "mlit-water", "1.0.1", "MLIT", CURRENT);
    let pack = build(&m, &t, &official_modules(), "impostor.pack");
    sign(&m, &pack, &impostor);
    m.refuses(
        &pack,
        "signed only by keys the trust store does not trust for publisher `MLIT`",
    );

    let t = template(&m.path(""), "mlit-water", "1.0.1", "Nobody", CURRENT);
    let pack = build(&m, &t, &official_modules(), "nobody.pack");
    sign(&m, &pack, &impostor);
    m.refuses(
        &pack,
        "names publisher `Nobody`, which the trust store does not know",
    );
}

#[test]
fn a_key_that_signs_twice_counts_once_toward_the_threshold() {
    let m = Machine::new();
    let (a, b) = (m.key("regulator-a"), m.key("regulator-b"));
    m.trust("MLIT", "MLIT-", &[&a, &b], 2);
    let t = template(&m.path(""), "mlit-water", "1.0.0", "MLIT", CURRENT);
    let pack = build(&m, &t, &official_modules(), "twice.pack");
    sign(&m, &pack, &a);
    // The command will not sign twice with one key…
    let again = m.run(&["pack", "sign", s(&pack), "--key", s(&a)]);
    assert_eq!(again.code, 2);
    assert!(
        again.stderr.contains("already signed by key"),
        "{}",
        again.stderr
    );
    // …so duplicate the signature by hand, as an attacker would.
    let mut members = entries(&pack);
    let (_, envelope) = members
        .iter_mut()
        .find(|(n, _)| n == "manifest.dsse.json")
        .unwrap();
    let mut json: serde_json::Value = serde_json::from_slice(envelope).unwrap();
    let first = json["signatures"][0].clone();
    json["signatures"].as_array_mut().unwrap().push(first);
    *envelope = serde_json::to_vec(&json).unwrap();
    write_archive(&pack, &members);
    assert_eq!(
        PackFile::read(&pack).unwrap().envelope().signatures.len(),
        2
    );
    m.refuses(
        &pack,
        "publisher `MLIT` needs 2 signatures by distinct trusted keys; the pack has 1",
    );
    // Two distinct keys meet it.
    let good = build(&m, &t, &official_modules(), "both.pack");
    sign(&m, &good, &a);
    sign(&m, &good, &b);
    assert!(m.installs(&good).contains("installed mlit-water 1.0.0"));
}

#[test]
fn a_module_whose_bytes_differ_from_the_manifest_is_refused_before_compilation() {
    let (m, _, pack) = regulator_setup("1.0.0");
    let mut all = entries(&pack);
    let module = all.iter_mut().find(|(n, _)| n.ends_with(".wasm")).unwrap();
    let last = module.1.len() - 1;
    module.1[last] ^= 0x01;
    let tampered = m.path("tampered.pack");
    write_archive(&tampered, &all);
    // A fresh compile cache stays empty: nothing was compiled.
    let cache = m.path("cache");
    let before = m.snapshot();
    for command in [
        vec!["pack", "install", s(&tampered)],
        vec!["eval", "--pack", s(&tampered), "--evidence", s(&sample())],
    ] {
        let mut args = vec!["--cache-dir", s(&cache)];
        args.extend(command);
        let out = m.run(&args);
        assert_eq!(out.code, 2);
        assert!(
            out.stderr
                .contains("does not match the manifest (sha256: manifest"),
            "{}",
            out.stderr
        );
    }
    assert_eq!(files_under(&cache), 0, "a module was compiled");
    assert_eq!(m.snapshot(), before);
}

#[test]
fn a_third_party_cannot_sign_rules_in_the_regulators_namespace() {
    let m = Machine::new();
    let acme = m.key("acme");
    m.trust("ACME", "ACME-", &[&acme], 1);
    let t = template(&m.path(""), "acme-water", "1.0.0", "ACME", CURRENT);
    let pack = build(&m, &t, &official_modules(), "acme-mlit.pack");
    sign(&m, &pack, &acme);
    m.refuses(
        &pack,
        "rule `MLIT-ACC-01` is outside the namespaces publisher `ACME` may sign (ACME-)",
    );
    // Nor can it list its own namespace in the manifest for a module that
    // really provides MLIT- rules: the manifest is checked against the module.
    let file = PackFile::read(&pack).unwrap();
    let mut manifest = file.manifest().clone();
    for module in &mut manifest.modules {
        for rule in &mut module.rules {
            rule.id = rule.id.replace("MLIT-", "ACME-");
        }
    }
    let relabelled = PackFile::build(
        &mizuchi::ManifestTemplate {
            name: manifest.name.clone(),
            version: manifest.version.clone(),
            publisher: manifest.publisher.clone(),
            abi: manifest.abi.clone(),
            evidence_format: manifest.evidence_format.clone(),
            published_on: manifest.published_on,
            expires_on: manifest.expires_on,
            extensions: Vec::new(),
        },
        manifest
            .modules
            .iter()
            .map(|e| {
                let name = e.path.trim_start_matches("modules/").to_owned();
                (
                    name,
                    file.module(&e.path).unwrap().to_vec(),
                    e.rules.clone(),
                )
            })
            .collect(),
        manifest.extensions.clone(),
    )
    .unwrap();
    let sneaky = m.path("acme-relabelled.pack");
    relabelled.write(&sneaky).unwrap();
    sign(&m, &sneaky, &acme);
    m.refuses(&sneaky, "but the pack manifest lists");
}

#[test]
fn an_older_version_than_the_installed_one_is_refused_as_a_rollback() {
    let (m, key, old) = regulator_setup("1.0.0");
    let t = template(&m.path(""), "mlit-water", "1.1.0", "MLIT", CURRENT);
    let new = build(&m, &t, &official_modules(), "mlit-water-1.1.0.pack");
    sign(&m, &new, &key);
    m.installs(&new);
    m.refuses(
        &old,
        "pack mlit-water 1.0.0 is older than 1.1.0, which was installed before; a rollback is refused",
    );
    // Naming the older file to `eval` is refused the same way.
    m.eval_refuses(&old, "a rollback is refused");
}

#[test]
fn an_expired_pack_is_refused() {
    let m = Machine::new();
    let key = m.key("regulator");
    m.trust("MLIT", "MLIT-", &[&key], 1);
    let t = template(
        &m.path(""),
        "mlit-water",
        "1.0.0",
        "MLIT",
        ("2020-01-01", "2020-12-31"),
    );
    let pack = build(&m, &t, &official_modules(), "expired.pack");
    sign(&m, &pack, &key);
    m.refuses(
        &pack,
        "pack mlit-water 1.0.0 expired on 2020-12-31; ask its publisher for a current version",
    );
    m.eval_refuses(&pack, "expired on 2020-12-31");
}

#[test]
fn a_manifest_mixed_with_modules_of_another_version_is_refused() {
    let (m, key, _) = regulator_setup("1.0.0");
    let modules = official_modules();
    let old_modules: Vec<PathBuf> = modules.iter().map(|p| release_of(&m, p, "r1")).collect();
    let new_modules: Vec<PathBuf> = modules.iter().map(|p| release_of(&m, p, "r2")).collect();
    let t1 = template(&m.path(""), "mlit-water", "1.1.0", "MLIT", CURRENT);
    let t2 = template(&m.path(""), "mlit-water", "1.2.0", "MLIT", CURRENT);
    let p1 = build(&m, &t1, &old_modules, "r1.pack");
    let p2 = build(&m, &t2, &new_modules, "r2.pack");
    sign(&m, &p1, &key);
    sign(&m, &p2, &key);
    // 1.2.0's signed manifest with one of 1.1.0's modules.
    let old = entries(&p1);
    let mut mixed = entries(&p2);
    let (name, bytes) = mixed
        .iter_mut()
        .find(|(n, _)| n.ends_with("mlit_network.wasm"))
        .unwrap();
    *bytes = old.iter().find(|(n, _)| n == name).unwrap().1.clone();
    let path = m.path("mixed.pack");
    write_archive(&path, &mixed);
    m.refuses(&path, "mixes files of different versions");
    // Each release on its own is fine.
    assert!(m.installs(&p2).contains("installed mlit-water 1.2.0"));
}

#[test]
fn a_pack_over_the_size_cap_is_refused() {
    let (m, _, _) = regulator_setup("1.0.0");
    let big = m.path("huge.pack");
    let f = std::fs::File::create(&big).unwrap();
    // Sparse: the size is what the check sees, no disk is used.
    f.set_len(mizuchi::MAX_PACK + 1).unwrap();
    m.refuses(&big, "over the 268435456-byte cap for a pack");
}

#[test]
fn a_module_over_the_size_cap_is_refused() {
    let (m, _, pack) = regulator_setup("1.0.0");
    let path = m.path("big-module.pack");
    let mut builder = tar::Builder::new(std::fs::File::create(&path).unwrap());
    for (name, bytes) in entries(&pack) {
        builder
            .append(&header(&name, bytes.len() as u64), bytes.as_slice())
            .unwrap();
    }
    let size = mizuchi::MAX_MODULE + 1;
    builder
        .append(
            &header("modules/huge.wasm", size),
            std::io::repeat(0).take(size),
        )
        .unwrap();
    builder.finish().unwrap();
    m.refuses(
        &path,
        "`modules/huge.wasm` is 67108865 bytes, over the 67108864-byte cap for a module",
    );
}

#[test]
fn a_path_escaping_the_archive_is_refused() {
    let (m, _, pack) = regulator_setup("1.0.0");
    let mut all = entries(&pack);
    all.push(("../../evil.wasm".into(), b"\0asm".to_vec()));
    let path = m.path("traversal.pack");
    write_archive(&path, &all);
    m.refuses(&path, "`../../evil.wasm` in the pack points outside it");
    let mut all = entries(&pack);
    all.push(("/etc/evil.wasm".into(), b"\0asm".to_vec()));
    write_archive(&path, &all);
    m.refuses(&path, "`/etc/evil.wasm` in the pack points outside it");
}

#[test]
fn key_rotation_is_trusted_only_when_the_current_keys_sign_it() {
    let (m, old, _) = regulator_setup("1.0.0");
    let new = m.key("regulator-2027");
    let stranger = m.key("stranger");
    let rotation = m.path("rotation.json");
    let public = mizuchi::public_path(&new);
    // Signed by a key the store does not hold for MLIT: refused.
    let r = m.run(&[
        "trust",
        "rotate",
        "--publisher",
        "MLIT",
        "--key",
        s(&public),
        "--sign-with",
        s(&stranger),
        "--out",
        s(&rotation),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let before = m.snapshot();
    let r = m.run(&["trust", "apply", s(&rotation)]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains("is not signed by 1 of its current keys (it has 0)"),
        "{}",
        r.stderr
    );
    assert_eq!(m.snapshot(), before);
    // Signed by the current key: the new key replaces it.
    let r = m.run(&[
        "trust",
        "rotate",
        "--publisher",
        "MLIT",
        "--key",
        s(&public),
        "--sign-with",
        s(&old),
        "--out",
        s(&rotation),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = m.run(&["trust", "apply", s(&rotation)]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let t = template(&m.path(""), "mlit-water", "1.1.0", "MLIT", CURRENT);
    let by_old = build(&m, &t, &official_modules(), "by-old.pack");
    sign(&m, &by_old, &old);
    m.refuses(
        &by_old,
        "signed only by keys the trust store does not trust",
    );
    let by_new = build(&m, &t, &official_modules(), "by-new.pack");
    sign(&m, &by_new, &new);
    assert!(m.installs(&by_new).contains("installed mlit-water 1.1.0"));
    // Adding the publisher again instead of rotating is refused.
    let r = m.run(&[
        "trust",
        "add",
        "--name",
        "MLIT",
        "--namespace",
        "MLIT-",
        "--key",
        s(&mizuchi::public_path(&stranger)),
    ]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("already trusted"), "{}", r.stderr);
}

#[test]
fn a_third_party_pack_installs_and_runs_beside_the_official_pack() {
    let (m, _, official) = regulator_setup("1.0.0");
    let acme = m.key("acme");
    m.trust("ACME", "ACME-*", &[&acme], 1);
    let t = template(&m.path(""), "acme-water", "0.3.0", "ACME", CURRENT);
    let pack = build(
        &m,
        &t,
        &[wasm_dir().join("acme_guest.wasm")],
        "acme-water.pack",
    );
    sign(&m, &pack, &acme);
    m.installs(&official);
    assert!(
        m.installs(&pack)
            .contains("installed acme-water 0.3.0; publisher ACME")
    );
    let list = m.run(&["pack", "list"]);
    assert!(list.stdout.contains("acme-water 0.3.0"), "{}", list.stdout);
    assert!(list.stdout.contains("mlit-water 1.0.0"), "{}", list.stdout);

    let out = m.run(&["eval", "--evidence", s(&sample()), "--format", "json"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let report = out.json();
    let packs: Vec<(&str, &str)> = report["packs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["name"].as_str().unwrap(),
                p["publisher"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(packs, vec![("acme-water", "ACME"), ("mlit-water", "MLIT")]);
    let results = report["results"].as_array().unwrap();
    assert_eq!(results.len(), 30);
    let acme_result = results.iter().find(|r| r["rule"] == "ACME-CS-01").unwrap();
    assert_eq!(acme_result["pack"], "acme-water");
    assert!(
        matches!(acme_result["outcome"].as_str(), Some("pass" | "fail")),
        "{acme_result}"
    );
    assert!(results.iter().filter(|r| r["pack"] == "mlit-water").count() == 29);
}

#[test]
fn allow_unsigned_runs_a_rule_authors_directory_and_marks_every_result() {
    let m = Machine::new();
    let dir = m.path("my-rules");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy(
        wasm_dir().join("acme_guest.wasm"),
        dir.join("acme_guest.wasm"),
    )
    .unwrap();
    m.eval_refuses(&dir, "is a directory of rule components, not a signed pack");
    let utility = m.key("utility");
    let ledger = m.path("dev.jsonl");
    let out = m.run(&[
        "eval",
        "--allow-unsigned",
        "--pack",
        s(&dir),
        "--evidence",
        s(&sample()),
        "--format",
        "json",
        "--ledger",
        s(&ledger),
        "--key",
        s(&utility),
    ]);
    assert!(matches!(out.code, 0 | 1), "{}", out.stderr);
    assert_eq!(out.json()["packs"][0]["unsigned"], true);
    let text = std::fs::read_to_string(&ledger).unwrap();
    let header = statement(text.lines().next().unwrap());
    assert_eq!(header["predicate"]["packs"][0]["unsigned"], true);
    for line in text.lines().skip(1) {
        let statement = statement(line);
        assert_eq!(
            statement["predicate"]["pack"]["unsigned"], true,
            "{statement}"
        );
    }
    let human = m.run(&[
        "eval",
        "--allow-unsigned",
        "--pack",
        s(&dir),
        "--evidence",
        s(&sample()),
        "--lang",
        "en",
    ]);
    assert!(human.stdout.contains("UNSIGNED"), "{}", human.stdout);
}

/// A minimal HTTP/1.1 file server over a directory that can be switched.
struct Server {
    url: String,
    root: std::sync::Arc<std::sync::Mutex<PathBuf>>,
}

impl Server {
    fn start(root: &Path) -> Server {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let shared = std::sync::Arc::new(std::sync::Mutex::new(root.to_owned()));
        let dir = std::sync::Arc::clone(&shared);
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let mut request = Vec::new();
                let mut buf = [0u8; 1024];
                while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                    match stream.read(&mut buf) {
                        Ok(0) | Err(_) => break,
                        Ok(n) => request.extend_from_slice(&buf[..n]),
                    }
                }
                let line = String::from_utf8_lossy(&request);
                let path = line
                    .split_whitespace()
                    .nth(1)
                    .unwrap_or("/")
                    .trim_start_matches('/')
                    .to_owned();
                let file = dir.lock().unwrap().join(&path);
                let response = match std::fs::read(&file) {
                    Ok(body) if !path.contains("..") => {
                        let mut r = format!(
                            "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                            body.len()
                        )
                        .into_bytes();
                        r.extend_from_slice(&body);
                        r
                    }
                    _ => {
                        b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                            .to_vec()
                    }
                };
                let _ = stream.write_all(&response);
            }
        });
        Server { url, root: shared }
    }

    fn serve(&self, dir: &Path) {
        *self.root.lock().unwrap() = dir.to_owned();
    }
}

#[test]
fn an_update_over_http_moves_to_the_newer_version_and_refuses_a_rollback() {
    let (m, key, v100) = regulator_setup("1.0.0");
    m.installs(&v100);
    let t = template(&m.path(""), "mlit-water", "1.1.0", "MLIT", CURRENT);
    let modules: Vec<PathBuf> = official_modules()
        .iter()
        .map(|p| release_of(&m, p, "r110"))
        .collect();
    let v110 = build(&m, &t, &modules, "mlit-water-1.1.0.pack");
    sign(&m, &v110, &key);

    let publish = |name: &str, pack: &Path| -> PathBuf {
        let dir = m.path(name);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::copy(pack, dir.join(pack.file_name().unwrap())).unwrap();
        let r = m.run(&["pack", "index", s(&dir)]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        dir
    };
    let server = Server::start(&publish("site-110", &v110));
    let out = m.run(&["pack", "update", "--from", &server.url]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout
            .contains("installed mlit-water 1.1.0 (was 1.0.0); publisher MLIT"),
        "{}",
        out.stdout
    );
    let list = m.run(&["pack", "list"]);
    assert!(
        list.stdout.starts_with("mlit-water 1.1.0"),
        "{}",
        list.stdout
    );

    server.serve(&publish("site-100", &v100));
    let before = m.snapshot();
    let out = m.run(&["pack", "update", "--from", &server.url]);
    assert_eq!(out.code, 2, "{}", out.stdout);
    assert!(
        out.stderr.contains("pack mlit-water 1.0.0 is older than 1.1.0, which was installed before; a rollback is refused"),
        "{}",
        out.stderr
    );
    assert_eq!(m.snapshot(), before);
    // The evaluation still runs 1.1.0.
    let out = m.run(&["rules", "--format", "json"]);
    assert_eq!(out.json()["packs"][0]["version"], "1.1.0");
}

"""Model signing: an HMAC over the model card and over each artifact file, checked before anything is unpickled.

Trust boundary. ``models.joblib`` is a pickle, and unpickling runs code. A sha256 in the card only proves the
file is the one the card names: anyone who can write the data folder can also rewrite the card. The HMAC
needs a secret key that does NOT live in the data folder:

- ``[model_signing] key = "..."`` in ``.streamlit/secrets.toml`` when present (shared by several servers), else
- a key file, by default ``~/.config/segment-studio/model-signing.key`` (``SEGMENTATION_KEY_FILE`` overrides
  it), created on first start with 32 random bytes and mode 0600, and refused when other users can read it.

Whoever can read that key (or run code as the app's user) can sign models; whoever can only write the data
folder cannot get a planted pickle loaded. Artifacts signed with another key, or unsigned, are refused with a
message to retrain.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import stat
import tomllib
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from core.config import SECRETS_FILE, SIGNING_KEY_FILE
from core.errors import ArtifactError
from core.pipeline.files import CHECKED_FILES

SECRETS_SECTION = "model_signing"
SIGNATURE_FIELD = "signature"  # in the card: {"card": hmac, "files": {name: hmac}}
MIN_KEY_BYTES = 16


def signing_key(key_file: Path | None = None, secrets_file: Path | None = None) -> bytes:
    """The signing key: from secrets.toml when it has one, else the key file (created on first use)."""
    secrets_file = SECRETS_FILE if secrets_file is None else secrets_file
    from_secrets = _key_from_secrets(secrets_file)
    if from_secrets is not None:
        return from_secrets
    return _key_from_file(SIGNING_KEY_FILE if key_file is None else key_file)


def _key_from_secrets(path: Path) -> bytes | None:
    """The [model_signing] key of secrets.toml, None when the file or the section is absent."""
    try:
        config = tomllib.loads(path.read_text())
    except FileNotFoundError:
        return None
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ArtifactError(f"'{path}' cannot be read ({exc}); fix it to load signed models") from exc
    section = config.get(SECRETS_SECTION)
    if section is None:
        return None
    key = section.get("key") if isinstance(section, dict) else None
    if not isinstance(key, str) or len(key.encode()) < MIN_KEY_BYTES:
        raise ArtifactError(
            f"'{path}': [{SECRETS_SECTION}] needs a 'key' of at least {MIN_KEY_BYTES} characters "
            "(make one with: python -c 'import secrets; print(secrets.token_hex(32))')"
        )
    return key.encode()


def _key_from_file(path: Path) -> bytes:
    """Read the key file, creating it atomically (mode 0600) when it does not exist yet."""
    if not path.exists():
        _create_key_file(path)
    try:
        mode = path.stat().st_mode
        if mode & (stat.S_IRWXG | stat.S_IRWXO):
            raise ArtifactError(
                f"the model-signing key '{path}' can be read by other users (mode {stat.S_IMODE(mode):04o}); "
                f"run: chmod 600 '{path}'"
            )
        key = path.read_bytes()
    except OSError as exc:
        raise ArtifactError(f"the model-signing key '{path}' cannot be read ({exc.strerror or exc})") from exc
    if len(key) < MIN_KEY_BYTES:
        raise ArtifactError(f"the model-signing key '{path}' is too short; delete it and retrain to make a new one")
    return key


def _create_key_file(path: Path) -> None:
    """Write 32 random bytes to a private temporary file and link it into place (a racing creator wins once)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        tmp = path.parent / f".{path.name}.{uuid.uuid4().hex[:8]}"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(secrets.token_bytes(32))
            os.link(tmp, path)  # fails if another process created the key first: theirs is kept
        except FileExistsError:
            pass
        finally:
            tmp.unlink(missing_ok=True)
    except OSError as exc:
        raise ArtifactError(f"cannot create the model-signing key '{path}' ({exc.strerror or exc})") from exc


def _card_bytes(card: dict) -> bytes:
    """The card without its signature, serialised canonically."""
    unsigned = {k: v for k, v in card.items() if k != SIGNATURE_FIELD}
    return json.dumps(unsigned, sort_keys=True, separators=(",", ":"), default=str).encode()


CHUNK_BYTES = 1 << 22  # hashlib releases the GIL on large updates: files are hashed side by side in threads


def file_digests(key: bytes, path: Path) -> tuple[str, str]:
    """The sha256 and the HMAC-SHA256 of a file's bytes, from one read (in chunks)."""
    digest, mac = hashlib.sha256(), hmac.new(key, digestmod=hashlib.sha256)
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(CHUNK_BYTES), b""):
            digest.update(chunk)
            mac.update(chunk)
    return digest.hexdigest(), mac.hexdigest()


def file_mac(key: bytes, path: Path) -> str:
    """HMAC-SHA256 of a file's bytes, read in chunks."""
    mac = hmac.new(key, digestmod=hashlib.sha256)
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(CHUNK_BYTES), b""):
            mac.update(chunk)
    return mac.hexdigest()


def in_parallel(work, paths: list[Path]) -> list:
    """`work(path)` of each path, in threads (a bank-sized dataset's tables are gigabytes: one core each)."""
    if len(paths) < 2:
        return [work(path) for path in paths]
    with ThreadPoolExecutor(max_workers=min(len(paths), os.cpu_count() or 1)) as pool:
        return list(pool.map(work, paths))


def digest_folder(folder: Path, files: tuple[str, ...], key: bytes | None = None) -> dict[str, tuple[str, str]]:
    """File name -> (sha256, HMAC) of each of `files` in `folder`: what a saved card records and signs."""
    key = signing_key() if key is None else key
    found = in_parallel(lambda path: file_digests(key, path), [folder / name for name in files])
    return dict(zip(files, found, strict=True))


def sign_card(
    card: dict, folder: Path, files: tuple[str, ...], key: bytes | None = None, macs: dict[str, str] | None = None
) -> dict:
    """The card with a signature over itself and over each of `files` in `folder` (their `macs` when the caller
    has just computed them, with digest_folder)."""
    key = signing_key() if key is None else key
    if macs is None:
        found = in_parallel(lambda path: file_mac(key, path), [folder / name for name in files])
        macs = dict(zip(files, found, strict=True))
    signed = {k: v for k, v in card.items() if k != SIGNATURE_FIELD}
    signed[SIGNATURE_FIELD] = {
        "card": hmac.new(key, _card_bytes(signed), hashlib.sha256).hexdigest(),
        "files": {name: macs[name] for name in files},
    }
    return signed


def verify_signature(card: dict, folder: Path, files: tuple[str, ...], key: bytes | None = None) -> None:
    """Refuse a card or file whose HMAC does not match: call this before unpickling anything in `folder`."""
    key = signing_key() if key is None else key
    signature = card.get(SIGNATURE_FIELD)
    if not isinstance(signature, dict) or not isinstance(signature.get("files"), dict):
        raise ArtifactError(f"the models in '{folder}' are not signed by this installation; retrain them")
    expected = hmac.new(key, _card_bytes(card), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(str(signature.get("card", "")), expected):
        raise ArtifactError(
            f"the model card in '{folder}' is not signed with this installation's key (changed, or trained "
            "elsewhere); refusing to load it: retrain"
        )
    for name in files:
        if not isinstance(signature["files"].get(name), str) or not (folder / name).is_file():
            raise ArtifactError(f"'{name}' in '{folder}' does not match its signature; refusing to load it")
    found = in_parallel(lambda path: file_mac(key, path), [folder / name for name in files])
    for name, mac in zip(files, found, strict=True):
        if not hmac.compare_digest(signature["files"][name], mac):
            raise ArtifactError(f"'{name}' in '{folder}' does not match its signature; refusing to load it")


def trust_folder(version: Path, files: tuple[str, ...], key: bytes | None = None) -> dict:
    """Sign the card of an existing version folder that its operator vouches for (e.g. trained before signing
    existed), after checking that every file still matches the sha256 its card recorded. Returns the new card."""
    card_path = version / "model_card.json"
    try:
        card = json.loads(card_path.read_text())
    except (OSError, ValueError) as exc:
        raise ArtifactError(f"'{card_path}' is missing or unreadable") from exc
    for name in files:
        digest = hashlib.sha256((version / name).read_bytes()).hexdigest() if (version / name).is_file() else None
        if digest is None or digest != card.get("files", {}).get(name):
            raise ArtifactError(f"'{name}' in '{version}' does not match its recorded sha256; retrain instead")
    signed = sign_card(card, version, files, key)
    tmp = card_path.with_name(f".{card_path.name}.{uuid.uuid4().hex[:8]}")
    tmp.write_text(json.dumps(signed, indent=1, default=str))
    os.replace(tmp, card_path)
    return signed


def main(argv: list[str] | None = None) -> int:
    """`python -m core.pipeline.signing DATASET_FOLDER`: sign artifacts you trained yourself before signing."""
    import sys

    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m core.pipeline.signing DATASET_FOLDER  (only for models you trained yourself)")
        return 2
    try:
        trust_folder(Path(args[0]).resolve(), CHECKED_FILES)
    except ArtifactError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"Signed {Path(args[0])} with this installation's key.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

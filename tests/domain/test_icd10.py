"""ICD-10-CM lookup and search.

Source: the ICD-10-CM code set (CDC National Center for Health Statistics, HIPAA code set adopted
by CMS), FY2026 tabular list with the April 1, 2026 update, as shipped by simple-icd-10-cm:
E11.9 "Type 2 diabetes mellitus without complications", I10 "Essential (primary) hypertension",
E11 and E11.6 are headings with more specific codes below them, J44.1 lists "Decompensated COPD"
among its inclusion terms, S72.001A is a 7-character code.
"""

import contextlib
import importlib.metadata
import importlib.util
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from caredesk import codeset_cache
from caredesk.domain import icd10
from caredesk.domain.icd10 import Icd10Code, lookup, normalize, search
from caredesk.errors import ValidationError


def _refusal(text: str) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        lookup(text)
    assert caught.value.field == "ICD-10 code"
    return caught.value


def _codes_in(message: str) -> list[str]:
    """The codes a refusal offers: each choice is 'CODE description', separated by ', '."""
    offered = message.split(": ", 1)[1]
    return [choice.split(" ", 1)[0] for choice in offered.split(", ") if choice[:1].isalpha() and choice[1:3].isdigit()]


@pytest.mark.parametrize(
    ("typed", "written"),
    [("e119", "E11.9"), (" I10 ", "I10"), ("E11.9", "E11.9"), ("e11 .65", "E11.65"), ("s72001a", "S72.001A"), ("", "")],
)
def test_normalize_writes_the_code_as_the_code_set_does(typed, written):
    assert normalize(typed) == written


def test_e119_is_type_2_diabetes_without_complications():
    assert lookup("E119") == Icd10Code("E11.9", "Type 2 diabetes mellitus without complications", billable=True)


def test_i10_is_essential_hypertension_and_billable_as_a_three_character_code():
    assert lookup("I10") == Icd10Code("I10", "Essential (primary) hypertension", billable=True)


@pytest.mark.parametrize("typed", ["e119", "e11.9", " E11.9 ", "E119"])
def test_dotless_and_lowercase_codes_are_found(typed):
    assert lookup(typed).code == "E11.9"


def test_a_seven_character_code_carries_its_seventh_character_in_the_description():
    found = lookup("s72001a")
    assert found.code == "S72.001A"
    assert found.description == (
        "Fracture of unspecified part of neck of right femur, initial encounter for closed fracture"
    )


def test_an_empty_code_is_required():
    assert _refusal("  ").message == "is required"


def test_an_unknown_code_offers_the_nearest_billable_codes():
    message = _refusal("E11.99").message
    assert message.startswith("E11.99 is not an ICD-10-CM code; nearest: E11.9 Type 2 diabetes mellitus without")
    offered = _codes_in(message)
    assert 1 < len(offered) <= 5
    assert all(code.startswith("E11") and lookup(code).billable for code in offered)
    assert len(message) < 450


def test_a_code_with_nothing_near_says_check_the_code():
    message = _refusal("XYZ").message
    assert message.startswith("XYZ is not an ICD-10-CM code; check the code")
    assert _refusal("hypertension please").message.startswith("That is not an ICD-10-CM code")


def test_a_category_is_refused_with_billable_codes_to_choose_from():
    message = _refusal("E11").message
    assert message.startswith("E11 is a category, not a billable code; choose one of: ")
    offered = _codes_in(message)
    assert "E11.9" in offered
    assert len(offered) == 5
    assert all(code.startswith("E11.") and lookup(code).billable for code in offered)
    assert len(message) < 450


def test_a_subcategory_is_refused_with_the_codes_below_it():
    message = _refusal("e116").message
    assert message.startswith(
        "e116 (read as E11.6) is a subcategory, not a billable code; choose one of: E11.65 Type 2 diabetes"
    )
    assert all(code.startswith("E11.6") for code in _codes_in(message))


def test_search_by_words_finds_type_2_diabetes_first():
    found = search("type 2 diabetes")
    assert found[0] == lookup("E11.9")
    assert all(c.billable for c in found)
    assert len(found) == 20


def test_search_needs_every_word_in_any_case():
    found = search("Diabetes HYPERGLYC")
    assert "E11.65" in [c.code for c in found]
    assert all("diabetes" in c.description.lower() and "hyperglyc" in c.description.lower() for c in found)


def test_search_by_code_prefix_lists_billable_codes_under_it_most_general_first():
    found = search("e11", limit=5)
    assert [c.code for c in found][:2] == ["E11.8", "E11.9"]
    assert len(found) == 5
    assert all(c.code.startswith("E11.") and c.billable for c in found)


def test_search_reads_the_inclusion_terms():
    assert [c.code for c in search("copd")] == ["J44.1"]


def test_search_of_nothing_finds_nothing():
    assert search("   ") == []
    assert search("zzqx") == []


def test_the_docstring_names_the_release_the_package_ships():
    # Finding the package's folder does not import it (importing parses the whole code set).
    spec = importlib.util.find_spec("simple_icd_10_cm")
    assert spec is not None and spec.submodule_search_locations
    data = Path(next(iter(spec.submodule_search_locations))) / "data"
    tabular = [p.name for p in data.glob("icd10c-tabular-*.xml")]
    assert len(tabular) == 1
    assert tabular[0] in (icd10.__doc__ or ""), "a new code set release: update the module docstring"


# -- the cache file: built once per release in a child process, read by every later process --------

CHECK_IN_A_NEW_PROCESS = """
import importlib.machinery, json, sys
executed = []

class Watch:
    # Records whether the package's code runs in this process (finding its folder is not importing it).
    def find_spec(self, name, path=None, target=None):
        if name != "simple_icd_10_cm":
            return None
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        run = spec.loader.exec_module
        spec.loader.exec_module = lambda module: (executed.append(name), run(module))
        return spec

sys.meta_path.insert(0, Watch())
from caredesk import codeset_cache
from caredesk.domain import icd10
found = icd10.lookup("e119")
print(json.dumps({"package_ran_here": bool(executed), "found": [found.code, found.description]}))
"""
E119 = ["E11.9", "Type 2 diabetes mellitus without complications"]
FROM_THE_CACHE = {"package_ran_here": False, "found": E119}


def _with_package(package: Path | None) -> dict[str, str]:
    """This process's environment, with `package` (a folder holding a simple_icd_10_cm) found first."""
    env = dict(os.environ)
    if package is not None:
        env["PYTHONPATH"] = os.pathsep.join(p for p in (str(package), env.get("PYTHONPATH", "")) if p)
    return env


def _load_in_new_process(cache: Path, package: Path | None = None) -> dict[str, object]:
    """Look up E11.9 in a fresh interpreter whose cache folder is `cache` (and whose simple_icd_10_cm
    is the one in `package`, when given); did the package run there?"""
    return _run_a_new_process(cache, package)[0]


def _run_a_new_process(cache: Path, package: Path | None = None, **env: str) -> tuple[dict[str, object], list[str]]:
    """_load_in_new_process's result and the lines that process logged (on stderr: no logging set up)."""
    done = subprocess.run(
        [sys.executable, "-c", CHECK_IN_A_NEW_PROCESS],
        capture_output=True,
        text=True,
        timeout=300,
        env={**_with_package(package), codeset_cache.ENV_CACHE_DIR: str(cache), **env},
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout), done.stderr.splitlines()


def _stored_release(path: Path) -> str:
    return path.read_bytes()[len(codeset_cache.MAGIC) :].split(b"\n", 1)[0].decode()


@pytest.fixture(scope="module")
def first_run(tmp_path_factory) -> tuple[Path, dict[str, object]]:
    """The cache folder of a first process (none there yet, the whole code set) and what it found.

    Made once per test process: it is the one real build of the whole code set here (~4 s), and its
    file is `built`, which the tests below read or copy.
    """
    folder = tmp_path_factory.mktemp("first") / "cache"
    return folder, _load_in_new_process(folder)


@pytest.fixture(scope="module")
def built(first_run) -> Path:
    """A cache file of the whole code set, made by the child process the app runs (first_run's)."""
    return first_run[0] / icd10.CACHE_NAME


@pytest.fixture(scope="module")
def small_package(tmp_path_factory) -> Path:
    """A folder holding a copy of the installed simple_icd_10_cm whose tabular list keeps chapter 4
    alone (E00-E89, E11.9 among them): the package's own code parsing real data, in ~0.1 s instead of
    ~2.5 s. For the tests of when a cache is rebuilt, which do not need the whole code set; it is a
    release of its own (its XML's size is in the release key)."""
    spec = importlib.util.find_spec("simple_icd_10_cm")
    assert spec is not None and spec.submodule_search_locations
    installed = Path(next(iter(spec.submodule_search_locations)))
    folder = tmp_path_factory.mktemp("small-package")
    copy = folder / "simple_icd_10_cm"
    shutil.copytree(installed, copy, ignore=shutil.ignore_patterns("__pycache__", "*.xml"))
    (xml,) = (installed / "data").glob("icd10c-tabular-*.xml")
    text = xml.read_text(encoding="utf-8")
    first, end = text.index("<chapter>"), text.rindex("</ICD10CM.tabular>")
    chapter_4 = [c for c in text[first:end].split("</chapter>") if "<name>4</name>" in c]
    assert len(chapter_4) == 1
    (copy / "data" / xml.name).write_text(f"{text[:first]}{chapter_4[0].strip()}</chapter>\n{text[end:]}", "utf-8")
    # Importing the package parses its XML; this copy then also says which process did (a line per parse).
    init = (copy / "__init__.py").read_text(encoding="utf-8")
    (copy / "__init__.py").write_text(f"{init}\n{SAY_WHO_PARSED}", encoding="utf-8")
    return folder


PARSED_BY = "CAREDESK_TEST_ICD10_PARSED_BY"  # a file where small_package writes the id of each process parsing it
SAY_WHO_PARSED = f"""
import os as _os
if _os.environ.get({PARSED_BY!r}):
    with open(_os.environ[{PARSED_BY!r}], "a", encoding="utf-8") as _out:
        _out.write(f"{{_os.getpid()}}\\n")
"""


@pytest.fixture(scope="module")
def small_built(small_package, tmp_path_factory) -> Path:
    """A cache file of small_package's code set, made by the child's own command, as the app runs it."""
    path = tmp_path_factory.mktemp("small-built") / icd10.CACHE_NAME
    subprocess.run(
        [sys.executable, "-m", "caredesk.domain.icd10", codeset_cache.BUILD_FLAG, str(path)],
        check=True,
        timeout=300,
        capture_output=True,
        env=_with_package(small_package),
    )
    return path


@pytest.fixture
def cache(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv(codeset_cache.ENV_CACHE_DIR, str(folder))
    return folder


def test_the_first_process_has_a_child_build_the_cache_and_the_next_one_only_reads_it(first_run):
    cache, found = first_run
    assert found == FROM_THE_CACHE  # the child parsed the XML, not this process
    written = cache / icd10.CACHE_NAME
    assert _stored_release(written) == icd10._release()
    assert written.stat().st_size < 4_000_000  # compact: the XML alone is 9.7 MB
    before = (written.stat().st_mtime_ns, written.read_bytes())

    assert _load_in_new_process(cache) == FROM_THE_CACHE
    assert (written.stat().st_mtime_ns, written.read_bytes()) == before  # read, not rebuilt
    assert [p.name for p in cache.iterdir()] == [icd10.CACHE_NAME]  # no temporary file left behind


def test_the_release_names_the_packages_version_and_data_files():
    release = icd10._release()
    assert f"simple-icd-10-cm {importlib.metadata.version('simple-icd-10-cm')}" in release
    assert "icd10c-tabular-April-1-2026.xml:" in release


# The package's own lines for a few codes ('code<TAB>leaf<TAB>description<TAB>inclusion terms'), out of order.
LINES = "\n".join(
    [
        "J44.1\t1\tChronic obstructive pulmonary disease with (acute) exacerbation\tDecompensated COPD",
        "E11\t0\tType 2 diabetes mellitus\t",
        "E11.9\t1\tType 2 diabetes mellitus without complications\t",
        "I10\t1\tEssential (primary) hypertension\tHigh blood pressure; Hypertension (arterial) (benign)",
    ]
)


def test_the_index_comes_back_from_its_bytes_as_it_was_built():
    columns = icd10._columns(LINES)
    index = icd10._unpack(icd10._pack(columns))
    assert index == icd10._from_columns(columns)
    assert index.codes == ["E11", "E11.9", "I10", "J44.1"]
    assert index.code_at(1) == Icd10Code("E11.9", "Type 2 diabetes mellitus without complications", billable=True)
    assert (
        icd10._entry(index.text, index.starts, 0)
        == "i10 essential (primary) hypertension; high blood pressure; hypertension (arterial) (benign)"
    )


def test_a_cache_cut_short_is_ignored_and_rebuilt(cache, small_package, small_built):
    cache.mkdir()
    path = cache / icd10.CACHE_NAME
    whole = small_built.read_bytes()
    path.write_bytes(whole[: len(whole) // 2])  # as a full disk or a crash could leave it
    assert _load_in_new_process(cache, small_package) == FROM_THE_CACHE
    assert path.read_bytes() == whole  # whole again


def _cached(built: Path, module: str = "caredesk.domain.icd10") -> tuple[icd10._Index, list[str]]:
    """The index through codeset_cache.cached as icd10 asks for it, with a `make` that is quick (the
    built file's payload) and says when it ran."""
    made: list[str] = []
    payload = codeset_cache.read(built, icd10._release())
    assert payload is not None

    def make() -> bytes:
        made.append("made here")
        return payload

    found = codeset_cache.cached(icd10.CACHE_NAME, icd10._release(), parse=icd10._unpack, make=make, module=module)
    return found, made


def test_a_cache_whose_contents_are_not_an_index_is_rebuilt(cache, built):
    path = cache / icd10.CACHE_NAME
    assert codeset_cache.write(path, icd10._release(), bytes(56) + b"not an index")
    # A child that cannot run (no such module): the index is made here and written.
    index, made = _cached(built, module="caredesk.domain.no_such_module")
    assert made == ["made here"]
    position = index.find("E11.9")
    assert position is not None and index.code_at(position).description == E119[1]
    assert path.read_bytes() == built.read_bytes()


def test_a_cache_from_another_release_is_rebuilt(cache, small_package, small_built):
    path = cache / icd10.CACHE_NAME
    release = _stored_release(small_built)
    payload = codeset_cache.read(small_built, release)
    assert payload is not None
    assert codeset_cache.write(path, "icd10 index 1; simple-icd-10-cm 1.4.0; FY2025", payload)
    assert _load_in_new_process(cache, small_package) == FROM_THE_CACHE
    assert _stored_release(path) == release
    assert path.read_bytes() == small_built.read_bytes()


def test_a_frozen_bundle_makes_the_index_itself_and_writes_the_cache(cache, built, monkeypatch):
    # In a PyInstaller bundle sys.executable is the app, which cannot run `-m caredesk.domain.icd10`.
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    index, made = _cached(built)
    assert made == ["made here"]  # no child was asked (it would have written the file and made nothing)
    assert index.find("E11.9") is not None
    assert (cache / icd10.CACHE_NAME).read_bytes() == built.read_bytes()


def test_a_cache_folder_that_cannot_be_written_still_gives_the_code_set_parsed_once(tmp_path, small_package):
    blocker = tmp_path / "a file"
    blocker.write_text("in the way")
    parsed_by = tmp_path / "parsed by"
    # The child cannot write the file (no folder can be made there), so it sends it to the process,
    # which used to parse the code set itself as well (~2 s more for the whole of it).
    found, logged = _run_a_new_process(blocker / "cache", small_package, **{PARSED_BY: str(parsed_by)})
    assert found == FROM_THE_CACHE  # not parsed in this process
    assert len(parsed_by.read_text().split()) == 1  # parsed once, by the child
    assert logged == [f"code set cache {icd10.CACHE_NAME} not written (NotADirectoryError); the child sent it"]
    assert blocker.read_text() == "in the way"


def test_a_cache_folder_on_a_full_disk_has_the_code_set_parsed_once(tmp_path, small_package):
    disk = tmp_path / "full disk"
    disk.mkdir()
    if not sys.platform.startswith("linux") or os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs Linux and root (CI runs as root)")
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k,mode=0700", "tmpfs", str(disk)], check=True)
    try:
        with contextlib.suppress(OSError), (disk / "filler").open("wb", buffering=0) as out:
            while True:  # until ENOSPC: the disk is full
                out.write(bytes(4096))
        parsed_by = tmp_path / "parsed by"
        found, logged = _run_a_new_process(disk / "cache", small_package, **{PARSED_BY: str(parsed_by)})
        assert found == FROM_THE_CACHE
        assert len(parsed_by.read_text().split()) == 1
        assert logged == [f"code set cache {icd10.CACHE_NAME} not written (OSError); the child sent it"]
        assert [p.name for p in (disk / "cache").iterdir()] == []  # no temporary file left behind
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=False)


def test_a_child_that_writes_the_file_sends_nothing(tmp_path, small_package, small_built):
    # Its stdout is for the file's bytes alone: anything else there would be taken for them.
    path = tmp_path / "cache" / icd10.CACHE_NAME
    done = subprocess.run(
        [sys.executable, "-m", "caredesk.domain.icd10", codeset_cache.BUILD_FLAG, str(path)],
        capture_output=True,
        timeout=300,
        env=_with_package(small_package),
        check=True,
    )
    assert done.stdout == b""
    assert path.read_bytes() == small_built.read_bytes()


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda p: p[:-1], id="one byte short"),
        pytest.param(lambda p: p[:8] + b"\xff" * 8 + p[16:], id="sizes that do not add up"),
        pytest.param(lambda p: b"", id="empty"),
    ],
)
def test_unpack_refuses_what_is_not_a_whole_index(built, damage):
    payload = codeset_cache.read(built, icd10._release())
    assert payload is not None
    with pytest.raises(ValueError):
        icd10._unpack(damage(payload))


def test_a_flipped_bit_in_the_file_is_caught_by_its_checksum(built, tmp_path):
    data = bytearray(built.read_bytes())
    data[len(data) // 2] ^= 0x10
    flipped = tmp_path / "flipped"
    flipped.write_bytes(bytes(data))
    assert codeset_cache.read(built, icd10._release()) is not None
    assert codeset_cache.read(flipped, icd10._release()) is None


def test_a_code_typed_without_its_dot_is_echoed_as_typed_and_as_read():
    # A tester's --code XYZ99 was refused as "XYZ.99 is not an ICD-10-CM code": not what they typed.
    assert _refusal("XYZ99").message.startswith("XYZ99 (read as XYZ.99) is not an ICD-10-CM code; check the code")
    assert _refusal("e1199").message.startswith("e1199 (read as E11.99) is not an ICD-10-CM code; nearest: E11.9")
    assert _refusal("e11.99").message.startswith("E11.99 is not an ICD-10-CM code")  # only the case differs
    assert _refusal("E116").message.startswith("E116 (read as E11.6) is a subcategory, not a billable code")

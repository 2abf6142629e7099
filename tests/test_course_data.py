"""Loading the learner's own data for lectures 7, 8 and 13: every mistake in a CSV or a names folder
gives one line that names the file, row and column; the built-in defaults load and are what the
notes say they are."""

from __future__ import annotations

import gzip

import numpy as np
import pytest

from core.data import names, tabular
from core.errors import DataError


def write(path, text, gz=False):
    path.write_bytes(gzip.compress(text.encode()) if gz else text.encode())
    return path


def data_error(path) -> str:
    with pytest.raises(DataError) as caught:
        tabular.load_table(path)
    message = str(caught.value)
    assert "\n" not in message and str(path) in message
    return message


def test_a_gzip_or_plain_csv_loads_with_the_last_column_as_label(tmp_path):
    text = "0.5,1,0\n-1,2.5,1\n3,0,1\n"
    plain = tabular.load_table(write(tmp_path / "t.csv", text))
    zipped = tabular.load_table(write(tmp_path / "t.data", text, gz=True))  # gzip found by content, not name
    assert plain.x.shape == (3, 2) and plain.y.shape == (3, 1) and plain.x.dtype == np.float32
    assert plain.y.reshape(-1).tolist() == [0, 1, 1]
    assert np.array_equal(plain.x, zipped.x) and plain.columns == ("x1", "x2")


def test_a_text_header_names_the_columns(tmp_path):
    table = tabular.load_table(write(tmp_path / "h.csv", "glucose,bmi,outcome\n120,30.5,1\n90,22,0\n"))
    assert table.columns == ("glucose", "bmi") and len(table) == 2


def test_a_missing_file_says_so(tmp_path):
    assert "no file at" in data_error(tmp_path / "nope.csv")


def test_text_in_a_numeric_column_names_row_and_column(tmp_path):
    message = data_error(write(tmp_path / "t.csv", "1,2,0\n3,abc,1\n"))
    assert "row 2, column 2" in message and "'abc'" in message and "not a number" in message
    assert "row 3, column 1 is empty" in data_error(write(tmp_path / "e.csv", "1,2,0\n3,4,1\n,4,1\n"))


def test_ragged_rows_name_the_row(tmp_path):
    message = data_error(write(tmp_path / "r.csv", "1,2,0\n3,4,1\n5,6\n"))
    assert "row 3 has 2 columns but row 1 has 3" in message


def test_a_single_class_is_refused(tmp_path):
    assert "every label (last column) is 1" in data_error(write(tmp_path / "s.csv", "1,2,1\n3,4,1\n"))


def test_labels_must_be_0_or_1(tmp_path):
    assert "row 2, column 3: the label is 2" in data_error(write(tmp_path / "l.csv", "1,2,1\n3,4,2\n"))


def test_an_empty_file_is_refused(tmp_path):
    assert "is empty" in data_error(write(tmp_path / "empty.csv", ""))
    assert "is empty" in data_error(write(tmp_path / "blank.csv.gz", "\n\n", gz=True))
    assert "header row but no data" in data_error(write(tmp_path / "head.csv", "a,b,label\n"))


def test_a_binary_or_broken_file_is_refused(tmp_path):
    binary = tmp_path / "b.csv"
    binary.write_bytes(b"\xff\xfe\x00\x81" * 10)
    assert "not UTF-8" in data_error(binary)
    broken = tmp_path / "cut.csv.gz"
    broken.write_bytes(gzip.compress(b"1,2,0\n" * 100)[:30])
    assert "could not be read" in data_error(broken)


def test_the_built_in_table_is_the_documented_ground_truth():
    table = tabular.load_table()
    expected = tabular.make_default_table()
    assert table.x.shape == (759, 8) and table.source == "the built-in table"
    assert np.allclose(table.x, expected[:, :-1], atol=1e-6) and np.array_equal(table.y[:, 0], expected[:, -1])
    x = expected[:, :-1]
    logits = x @ tabular.TRUE_WEIGHTS + tabular.TRUE_BIAS + 2 * x[:, 0] * x[:, 1]
    assert 0.8 < ((logits > 0) == (expected[:, -1] == 1)).mean() < 0.9  # what the true rule itself gets


def test_folds_partition_the_rows_stratified_by_label():
    labels = np.array([0.0] * 40 + [1.0] * 60)
    folds = tabular.fold_indices(labels, 5, seed=3)
    assert sorted(np.concatenate(folds).tolist()) == list(range(100))
    assert all(len(f) == 20 and labels[f].sum() == 12 for f in folds)
    assert [f.tolist() for f in folds] == [f.tolist() for f in tabular.fold_indices(labels, 5, seed=3)]
    assert [f.tolist() for f in folds] != [f.tolist() for f in tabular.fold_indices(labels, 5, seed=4)]


def test_auto_scaling_standardises_only_raw_unit_columns():
    x = np.array([[0.5, 100.0], [-0.5, 200.0], [0.0, 300.0]], dtype=np.float32)
    scaled = tabular.scale_columns(x, mode="auto")
    assert np.array_equal(scaled[:, 0], x[:, 0])
    assert abs(scaled[:, 1].mean()) < 1e-6 and abs(scaled[:, 1].std() - 1) < 1e-6
    assert np.allclose(tabular.scale_columns(x, mode="standard").std(axis=0), 1)
    assert tabular.scale_columns(x, mode="none") is x


# -- names ----------------------------------------------------------------------------------------


def names_error(path) -> str:
    with pytest.raises(DataError) as caught:
        names.load_names(path)
    assert "\n" not in str(caught.value)
    return str(caught.value)


def test_course_csvs_load_from_either_file_or_their_folder(tmp_path):
    write(tmp_path / "names_train.csv.gz", '"Adsit","Czech"\r\n"Nakamura","Japanese"\r\n', gz=True)
    write(tmp_path / "names_test.csv.gz", '"Ajdrna","Czech"\r\n', gz=True)
    from_folder = names.load_names(tmp_path)
    assert from_folder[:2] == ([("Adsit", "Czech"), ("Nakamura", "Japanese")], [("Ajdrna", "Czech")])
    assert names.load_names(tmp_path / "names_test.csv.gz")[:2] == from_folder[:2]
    assert names.load_names(tmp_path / "names_train.csv.gz")[:2] == from_folder[:2]


def test_a_folder_of_language_files_is_split_and_folded_to_ascii(tmp_path):
    write(tmp_path / "Polish.txt", "Ślusàrski\nNowak\nKowalski\n")
    write(tmp_path / "Japanese.txt", "Abe\nNakamura\nSato\n")
    train, test, source = names.load_names(tmp_path)
    assert len(train) == 4 and len(test) == 2 and ".txt files" in source
    assert {c for _, c in test} == {"Polish", "Japanese"}
    assert "Slusarski" in {n for n, _ in train + test}


def test_names_errors_name_what_to_fix(tmp_path):
    assert "no file or folder" in names_error(tmp_path / "missing")
    (tmp_path / "empty").mkdir()
    assert "neither names_train.csv.gz" in names_error(tmp_path / "empty")
    one = tmp_path / "one"
    one.mkdir()
    write(one / "names_train.csv.gz", '"A","B"\n', gz=True)
    assert "no names_test.csv.gz" in names_error(one)
    bad = tmp_path / "bad"
    bad.mkdir()
    write(bad / "names_train.csv", '"Adsit","Czech"\n"Abe"\n')
    write(bad / "names_test.csv", '"Abe","Japanese"\n')
    assert "row 2 has 1 fields" in names_error(bad)
    write(bad / "names_train.csv", '"Adsit","Czech"\n"Sato","Japanese"\n"R2D2","Robot"\n')
    assert "'R2D2'" in names_error(bad) and "'2'" in names_error(bad)
    write(bad / "names_train.csv", '"Adsit","Czech"\n"Sato","Japanese"\n')
    write(bad / "names_test.csv", '"Abe","Korean"\n')
    assert "Korean but no training names" in names_error(bad)
    write(bad / "names_test.csv", "")
    assert "holds no names" in names_error(bad)


def test_the_built_in_names_are_a_balanced_subset_of_18_languages():
    train, test, source = names.load_names()
    countries = {c for _, c in train}
    assert len(countries) == 18 and {c for _, c in test} == countries
    per_country = {c: sum(1 for _, k in train if k == c) for c in countries}
    assert max(per_country.values()) == 80 and len(train) + len(test) > 1500
    assert not set(train) & set(test)  # distinct names per language: no (name, country) in both


def test_the_real_course_and_tutorial_files_load(shared_data):
    train, test, _ = names.load_names(shared_data / "course" / "names_train.csv.gz")
    assert (len(train), len(test)) == (13374, 6700)
    train, test, _ = names.load_names(shared_data / "names")
    assert len(train) + len(test) == 20074 and len({c for _, c in train}) == 18
    table = tabular.load_table(shared_data / "course" / "diabetes.csv.gz")
    assert table.x.shape == (759, 8) and int(table.y.sum()) == 496

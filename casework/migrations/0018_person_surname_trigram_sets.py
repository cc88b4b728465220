"""Indexes that let matching find short surnames without reading thousands of people (docs/people-and-places.md).

At 2M people the trigram GIN index of 0008 answers `lower(last_name) % 'yabe'` with every surname sharing two of
its five trigrams (all 21,000 "Ya..." surnames), and the recheck reads them all from the person table. A person
can only be 0.3-similar to "yabe" with three shared trigrams unless their surname is itself very short, so:

- a GIN index on each surname's trigram set as a tsvector, queried with "at least k of these trigrams"
  (casework.people._trigram_query): the index returns the people who can match, not 20 times as many;
- a partial trigram index over the surnames with fewer than 5 trigrams (3 letters or fewer), which the
  "k of" rule does not cover;
- no pending list on the person's GIN indexes (fastupdate off, and 0008's list merged now): with it on, new
  people wait in an unindexed list of up to 4 MB (about 20,000 people) that every match reads in full, which
  cost more than the index itself at 200,000 people (60 ms against 1 ms). People are added one at a time, so
  indexing each at once costs little;
- the sound-alike branch's (double metaphone, first initial) in one index, replacing dmetaphone alone: a common
  sound ("AP") is thousands of people, of whom the first initial keeps a tenth.

PostgreSQL only; SQLite matches without them. Built without CONCURRENTLY, like 0008: at 2M people about a minute.
"""

from django.db import migrations

PG_FORWARD = [
    "CREATE INDEX IF NOT EXISTS casework_person_last_name_trgm_set ON casework_person "
    "USING gin ((array_to_tsvector(show_trgm(lower(last_name))))) WITH (fastupdate = off)",
    "CREATE INDEX IF NOT EXISTS casework_person_short_last_name_trgm ON casework_person "
    "USING gin ((lower(last_name)) gin_trgm_ops) WITH (fastupdate = off) "
    "WHERE cardinality(show_trgm(lower(last_name))) < 5",
    "ALTER INDEX casework_person_last_name_trgm SET (fastupdate = off)",
    "SELECT gin_clean_pending_list('casework_person_last_name_trgm')",
    "CREATE INDEX IF NOT EXISTS casework_person_last_dmetaphone_initial ON casework_person "
    "(dmetaphone(last_name), lower(left(first_name, 1)))",
    "DROP INDEX IF EXISTS casework_person_last_dmetaphone",
]
PG_BACKWARD = [
    "ALTER INDEX casework_person_last_name_trgm RESET (fastupdate)",
    "CREATE INDEX IF NOT EXISTS casework_person_last_dmetaphone ON casework_person (dmetaphone(last_name))",
    "DROP INDEX IF EXISTS casework_person_last_dmetaphone_initial",
    "DROP INDEX IF EXISTS casework_person_short_last_name_trgm",
    "DROP INDEX IF EXISTS casework_person_last_name_trgm_set",
]


def surname_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in PG_FORWARD:
            schema_editor.execute(sql)


def drop_surname_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in PG_BACKWARD:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("casework", "0017_case_list_counts"),
    ]

    operations = [
        migrations.RunPython(surname_indexes, drop_surname_indexes),
    ]

//! The class table: many designs (one per participant) graded, one row
//! each, as the page's class view shows it and `archsim check --csv`
//! writes it.

use super::verdict::{ExerciseVerdict, Grading};
use crate::model::Scenario;
use crate::share;

/// Characters of a source (a link, a file name) that name it in the table
/// and in messages: a link's first 60.
const SOURCE_CHARS: usize = 60;

/// One graded design: where it came from, and its participant's name and
/// verdict, or why it could not be read.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    /// The link or file, as given.
    pub source: String,
    /// The participant's name (`""` if none) and the verdict, or why the
    /// design could not be read or run.
    pub graded: Result<(String, ExerciseVerdict), String>,
}

/// How a source is named: its first 60 characters, then `…`.
pub fn short_source(source: &str) -> String {
    let mut name: String = source.chars().take(SOURCE_CHARS).collect();
    if name.len() < source.len() {
        name.push('…');
    }
    name
}

/// The links or files in a list's text, one per line: blank lines and
/// lines starting with `#` are skipped.
pub fn sources_in(text: &str) -> Vec<String> {
    text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')).map(str::to_owned).collect()
}

/// A value for the table: at most 4 decimals, no trailing zeros (`0.987`,
/// `121.855`, `0`); `inf` when nothing completed.
fn number(x: f64) -> String {
    if x.is_infinite() {
        return "inf".to_owned();
    }
    let text = format!("{x:.4}");
    text.trim_end_matches('0').trim_end_matches('.').to_owned()
}

/// One design's row of the class table, as the page's grading workers
/// hand it back: its cells (`source, participant, exercise, verdict,
/// seeds_passed, seeds, digest`, then three per objective, see [`table`]),
/// whether it passes, and how many objectives it has.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    /// The cells, in the order of [`table`]'s header.
    pub cells: Vec<String>,
    /// Every objective passes in every graded seed.
    pub passes: bool,
    /// Objectives graded (0 when the design could not be read).
    pub objectives: usize,
}

impl Row {
    /// The row of one graded design.
    pub fn of(entry: &Entry) -> Row {
        let mut cells = vec![short_source(&entry.source)];
        let (participant, v) = match &entry.graded {
            Ok(graded) => graded,
            Err(why) => {
                cells.extend([String::new(), String::new(), format!("fails: {why}")]);
                return Row { cells, passes: false, objectives: 0 };
            }
        };
        cells.extend([
            participant.clone(),
            v.exercise.unwrap_or_default().to_owned(),
            v.summary(),
            v.passed_seeds().to_string(),
            v.runs.len().to_string(),
            v.runs.first().map(|r| r.digest.clone()).unwrap_or_default(),
        ]);
        for o in v.by_objective() {
            cells.extend([o.objective, o.worst.map(number).unwrap_or_default(), o.passed.to_string()]);
        }
        Row { cells, passes: v.passes(), objectives: v.objectives.len() }
    }
}

/// A design graded (`Grading` run to its end): its participant's name
/// and its verdict, for its exercise unless `own` (see [`Grading::new`]),
/// over `seeds` or the graded seeds.
pub fn grade(design: &Scenario, own: bool, seeds: Option<Vec<u64>>) -> (String, ExerciseVerdict) {
    (design.participant.clone(), Grading::new(design, own, seeds).run_to_end())
}

/// The design in a share link, graded as [`grade`] does it.
///
/// Errors: the link cannot be opened (the `ShareError`, in words).
pub fn grade_link(link: &str, own: bool, seeds: Option<Vec<u64>>) -> Result<(String, ExerciseVerdict), String> {
    share::from_link(link).map(|design| grade(&design, own, seeds)).map_err(|e| e.to_string())
}

/// The table: a header row, then the rows: `source, participant,
/// exercise, verdict, seeds_passed, seeds, digest` (of the first graded
/// seed), then for each objective its text, its worst value over the seeds
/// (`worst_<n>`, in the metric's unit: availability 0–1, ms, $, counts)
/// and the seeds it passed in, up to the most objectives of any row.
pub fn table(rows: &[Row]) -> Vec<Vec<String>> {
    let objectives = rows.iter().map(|r| r.objectives).max().unwrap_or(0);
    let mut header: Vec<String> =
        ["source", "participant", "exercise", "verdict", "seeds_passed", "seeds", "digest"].map(String::from).to_vec();
    for n in 1..=objectives {
        header.extend([format!("objective_{n}"), format!("worst_{n}"), format!("passed_{n}")]);
    }
    std::iter::once(header).chain(rows.iter().map(|r| r.cells.clone())).collect()
}

/// The table as CSV (RFC 4180 quoting, by the `csv` crate); rows may be
/// shorter than the header (a design with fewer objectives).
pub fn to_csv(table: &[Vec<String>]) -> String {
    let mut w = csv::WriterBuilder::new().flexible(true).from_writer(Vec::new());
    for row in table {
        // Writing to memory cannot fail.
        let _ = w.write_record(row);
    }
    w.into_inner().ok().and_then(|bytes| String::from_utf8(bytes).ok()).unwrap_or_default()
}

/// Sorts the rows below the header by column `column`, `ascending` or
/// not: numbers (in numeric order) before text (in text order), so the
/// order is total whatever the cells hold. Ties keep their order.
pub fn sort(table: &mut [Vec<String>], column: usize, ascending: bool) {
    let Some((_, rows)) = table.split_first_mut() else { return };
    let key = |row: &Vec<String>| {
        let cell = row.get(column).cloned().unwrap_or_default();
        (cell.parse::<f64>().ok(), cell)
    };
    rows.sort_by(|a, b| {
        let order = match (key(a), key(b)) {
            ((Some(x), _), (Some(y), _)) => x.total_cmp(&y),
            ((Some(_), _), (None, _)) => std::cmp::Ordering::Less,
            ((None, _), (Some(_), _)) => std::cmp::Ordering::Greater,
            ((None, x), (None, y)) => x.cmp(&y),
        };
        if ascending {
            order
        } else {
            order.reverse()
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workshop::exercises;

    #[test]
    fn a_row_per_design_with_its_objectives_quoted_where_needed() {
        let mut design = exercises::find("master-master").unwrap().solution().unwrap();
        design.participant = "Lovelace, Ada".into();
        let v = Grading::new(&design, false, Some(vec![1])).run_to_end();
        let entries = [
            Entry { source: "a.json".into(), graded: Ok((design.participant.clone(), v)) },
            Entry { source: "x".repeat(70), graded: Err("the link is damaged".into()) },
        ];
        let rows: Vec<Row> = entries.iter().map(Row::of).collect();
        assert_eq!((rows[0].passes, rows[0].objectives, rows[1].passes, rows[1].objectives), (true, 3, false, 0));
        let t = table(&rows);
        assert_eq!(t[0].len(), 7 + 3 * 3);
        assert_eq!(&t[1][..6], ["a.json", "Lovelace, Ada", "master-master", "passes in 1 of 1 seeds", "1", "1"]);
        assert_eq!(t[1][7], "write conflicts ≤ 0");
        assert_eq!(t[2][0].chars().count(), 61);
        let csv = to_csv(&t);
        assert!(csv.lines().nth(1).unwrap().starts_with("a.json,\"Lovelace, Ada\",master-master,"), "{csv}");
        assert_eq!(csv.lines().count(), 3);
    }

    #[test]
    fn sorting_compares_numbers_as_numbers() {
        let mut t: Vec<Vec<String>> =
            [["h"], ["10"], ["9"], ["b"], ["a"]].iter().map(|r| r.iter().map(|c| c.to_string()).collect()).collect();
        sort(&mut t, 0, true);
        assert_eq!(t.iter().map(|r| r[0].as_str()).collect::<Vec<_>>(), ["h", "9", "10", "a", "b"]);
        sort(&mut t, 0, false);
        assert_eq!(t[1][0], "b");
    }

    #[test]
    fn numbers_are_short() {
        assert_eq!(
            (number(0.98700847), number(121.855), number(0.0), number(f64::INFINITY)),
            ("0.987".to_owned(), "121.855".to_owned(), "0".to_owned(), "inf".to_owned())
        );
    }

    #[test]
    fn lists_skip_blanks_and_comments() {
        assert_eq!(sources_in(" a \n\n# note\nb\n"), ["a", "b"]);
    }
}

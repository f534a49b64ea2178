// Restores the values that were given a leading ' in the CSV files so that
// spreadsheets do not run them as formulas. Run once after the import:
//   cypher-shell -u neo4j -p PASSWORD -f fixup.cypher
// Node fixes come first; running it again changes nothing.
// 1 statement(s).
MATCH (n:Entity {id: 'person:o-neil'}) SET n.id = 'person:o-neil', n.label = 'O\'Neil "Hammer" \\ {x} <b>&amp;</b>\'}) DETACH DELETE n //', n.aliases = ['=SUM(A1)', 'a;b,c [d]', 'line\nbreak'], n.documents = ['doc-1'];

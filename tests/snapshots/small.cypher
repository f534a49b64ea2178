// newsgraph test: 3 nodes, 2 relationships.
// Neo4j 5: cypher-shell -u neo4j -p PASSWORD -f graph.cypher
// Every node is :Entity plus its type; running the script again changes nothing.
CREATE CONSTRAINT entity_id IF NOT EXISTS FOR (n:Entity) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT person_id IF NOT EXISTS FOR (n:`PERSON`) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT group_id IF NOT EXISTS FOR (n:`GROUP`) REQUIRE n.id IS UNIQUE;
UNWIND [
  {id: 'person:anna-berg', label: 'Anna Berg', type: 'PERSON', aliases: ['Anna Berg', 'Berg'], mentions: 2, documents: ['doc-1']},
  {id: 'person:o-neil', label: 'O\'Neil "Hammer" \\ {x} <b>&amp;</b>\'}) DETACH DELETE n //', type: 'PERSON', aliases: ['=SUM(A1)', 'a;b,c [d]', 'line\nbreak'], mentions: 3, documents: ['doc-1']}
] AS row
MERGE (n:Entity {id: row.id})
SET n:`PERSON`
SET n.label = row.label, n.type = row.type, n.aliases = row.aliases, n.mentions = row.mentions, n.documents = row.documents;
UNWIND [
  {id: 'group:ostmark-diplomats', label: 'Ostmark diplomats', type: 'GROUP', aliases: ['Ostmark diplomats'], mentions: 1, documents: ['doc-1']}
] AS row
MERGE (n:Entity {id: row.id})
SET n:`GROUP`
SET n.label = row.label, n.type = row.type, n.aliases = row.aliases, n.mentions = row.mentions, n.documents = row.documents;
UNWIND [
  {source: 'person:anna-berg', target: 'group:ostmark-diplomats', key: 'expelled/asserted', relation: 'expelled', modality: 'asserted', count: 2, confidence: 0.9, evidence: '[{"document":"doc-1","sentence":"Anna Berg expelled four Ostmark diplomats.","start":10,"end":52,"trigger":"expelled","date":"2031-03-03"}]', lemma: null}
] AS row
MATCH (a:Entity {id: row.source})
MATCH (b:Entity {id: row.target})
MERGE (a)-[r:`EXPELLED` {key: row.key}]->(b)
SET r.relation = row.relation, r.modality = row.modality, r.count = row.count, r.confidence = row.confidence, r.evidence = row.evidence, r.lemma = row.lemma;
UNWIND [
  {source: 'person:anna-berg', target: 'person:o-neil', key: 'met/planned', relation: 'met', modality: 'planned', count: 1, confidence: 1.0, evidence: '[]', lemma: null}
] AS row
MATCH (a:Entity {id: row.source})
MATCH (b:Entity {id: row.target})
MERGE (a)-[r:`MET` {key: row.key}]->(b)
SET r.relation = row.relation, r.modality = row.modality, r.count = row.count, r.confidence = row.confidence, r.evidence = row.evidence, r.lemma = row.lemma;

// Floor for throughput: the yaml library's own Document round trip of the same text (what a
// function that parses the whole ResourceList and prints it back does at the very least).
const { readFileSync, writeSync } = require('node:fs');
const YAML = require('yaml');
const doc = YAML.parseDocument(readFileSync(0, 'utf8'), { uniqueKeys: false });
if (doc.errors.length) throw doc.errors[0];
const out = Buffer.from(doc.toString());
for (let done = 0; done < out.length; ) done += writeSync(1, out, done);

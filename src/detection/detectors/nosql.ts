import { M } from '../normalize/charmask.js';
import type { View } from '../normalize/views.js';
import { re } from '../patterns.js';
import { SECRET_FIELD_NAMES } from './misc.js';
import { excerpt, locationName, rule, type Emitter, type Item, type ValueDetector } from '../rule.js';

/** NoSQL (MongoDB) operator injection: `$ne`, `$gt`, `$where`, `$regex`... as JSON keys, bracketed query keys or embedded JSON. */
const R = {
  operatorKey: rule('nosqli', 'nosqli.operator-key', 1, 5, 'MongoDB query operator as a key'),
  operatorValue: rule('nosqli', 'nosqli.operator-in-value', 1, 5, 'MongoDB query operator inside a value'),
  whereJs: rule('nosqli', 'nosqli.where-javascript', 1, 5, 'server-side JavaScript in a $where / mapReduce'),
  jsBreakout: rule('nosqli', 'nosqli.js-breakout', 1, 5, 'closes a JavaScript string and runs statements (a $where or eval string context)'),
  shell: rule('nosqli', 'nosqli.shell-command', 2, 5, 'MongoDB shell command (db.collection.method(...))'),
};
/** `';return true;var x='`, `"; while(true){}`: a quote, a statement end, then JavaScript that only code writes. */
const JS_BREAKOUT = re('[\'"]\\s{0,4}(?:;|\\|\\||&&)\\s{0,8}(?:return(?:\\s{1,8}(?:true|false|\\d|this|db|\\{|\\()|\\s{0,8}[\'"][^\'"]{0,40}[\'"]\\s{0,4}[=!<>])|while\\s{0,4}\\(|for\\s{0,4}\\(|(?:var|let|const)\\s{1,8}[a-z_$][\\w$]{0,40}\\s{0,4}=|function\\s{0,4}\\(|sleep\\s{0,4}\\(\\s{0,4}\\d|this\\.|db\\.)', 'i');
/** A statement end, then `return` of `this.field` compared, or of a bare boolean: a $where function body. */
const JS_RETURN = re(';\\s{0,8}return\\s{1,8}(?:this\\.[a-z_$][\\w$]{0,40}\\s{0,4}(?:[=!]==?|[<>]=?|\\.|\\)|;|$)|(?:true|false|1)\\s{0,4}(?:;|$|\\|\\||&&))', 'i');
const DB_SHELL = re('\\bdb\\s{0,4}\\.\\s{0,4}(?:[a-z_$][\\w$]{0,40}\\s{0,4}\\.\\s{0,4}(?:find|findone|insert|insertone|insertmany|update|updateone|updatemany|remove|deleteone|deletemany|drop|aggregate|count)|getcollection|dropdatabase|eval|getsiblingdb|runcommand|adduser|createuser)\\s{0,4}\\(', 'i');

const OPERATORS = new Set(
  '$ne $eq $gt $gte $lt $lte $in $nin $regex $where $exists $expr $function $accumulator $or $and $not $nor $elemmatch $size $type $all $mod $text $jsonschema $lookup $merge $out $options $comment $geowithin $near $set $unset $rename $push $inc $search $match $group $project $unwind $addfields $replaceroot'.split(' '),
);
const STRAPI_OPERATORS = new Set('$eq $eqi $ne $nei $lt $lte $gt $gte $in $notin $contains $notcontains $containsi $notcontainsi $null $notnull $between $startswith $startswithi $endswith $endswithi $or $and $not'.split(' '));
const SECRET_FIELD = re('\\[(?:' + SECRET_FIELD_NAMES + ')\\]', 'i');
/** A secret field named as a JSON member (`"password": {"$regex": "^a"}` reads it character by character). */
const SECRET_MEMBER = re('["\']?\\b(?:' + SECRET_FIELD_NAMES + ')["\']?\\s{0,4}:', 'i');
/** Operators that only read: what a filter parameter of a MongoDB-backed API takes by design. */
const READ_OPERATORS = new Set('$eq $ne $gt $gte $lt $lte $in $nin $and $or $nor $not $exists $type $size $all $elemmatch $regex $options $text $search'.split(' '));
/** Parameter names under which APIs take a query document (`?filter={"status":{"$in":[...]}}`). */
const FILTER_PARAMS = new Set(['filter', 'filters', 'where', 'query', 'q', 'criteria', 'conditions', 'selector', 'find', 'search']);

/** A JSON document whose first member is a field, not an operator. */
const FIELD_FIRST = re('^\\s{0,8}\\{\\s{0,8}"[^"$]');

const ODATA_OPTIONS = new Set(['$search', '$filter', '$select', '$expand', '$orderby', '$top', '$skip', '$count', '$format', '$apply', '$compute', '$levels', '$skiptoken', '$deltatoken', '$inlinecount', '$schemaversion', '$index']);
const EMBEDDED = re('[{,\\[]\\s{0,8}["\']?\\$[a-z]{2,16}["\']?\\s{0,8}:|\\[\\s{0,4}\\$[a-z]{2,16}\\s{0,4}\\]', 'i');
const WHERE_JS = re('\\b(?:this\\.[a-z_$][\\w$]{0,40}\\s{0,8}(?:==|!=|>|<)|sleep\\s{0,4}\\(\\s{0,4}\\d|db\\.[a-z_$][\\w$]{0,40}\\.(?:find|drop|insert|remove|update)\\s{0,4}\\(|return\\s{1,8}(?:true|1)\\b|tojson\\s{0,4}\\(\\s{0,4}this)', 'i');

export const nosqlDetector: ValueDetector = {
  name: 'nosqli',
  rules: Object.values(R),
  trigger: M.DOLLAR | M.DOT | M.QUOTE | M.DQUOTE | M.SEMI,
  inspect(view: View, item: Item, out: Emitter): void {
    const s = view.lower;
    if ((view.mask & (M.QUOTE | M.DQUOTE)) !== 0 && (view.mask & (M.SEMI | M.PIPE | M.AMP)) !== 0) {
      const j = JS_BREAKOUT.exec(s);
      if (j !== null) out.emit(R.jsBreakout, excerpt(view.text, j.index));
    }
    // `1; return this.isAdmin == true`: a $where string context needs no quote, only a statement end.
    if ((view.mask & M.SEMI) !== 0 && s.includes('return')) {
      const r = JS_RETURN.exec(s);
      if (r !== null) out.emit(R.jsBreakout, excerpt(view.text, r.index));
    }
    if ((view.mask & M.DOT) !== 0 && (view.mask & M.PAREN) !== 0 && s.includes('db')) {
      const d = DB_SHELL.exec(s);
      if (d !== null) out.emit(R.shell, excerpt(view.text, d.index));
    }
    if (item.kind === 'key') {
      // OData's system query options (`?$search="x"&$top=5`) are whole query names; MongoDB has no top-level $search.
      if (ODATA_OPTIONS.has(s) && item.location.startsWith('query-key:')) return;
      // Strapi's documented filter syntax (`filters[slug][$eq]=x`, `filters[$or][0][title][$containsi]=y`): the API
      // takes operators there on purpose. A filter on a secret field is the ORM-leak rule's (nosqli.orm-secret-lookup).
      if (s.startsWith('filters[') && !SECRET_FIELD.test(s) && operatorsIn(s).every((op) => STRAPI_OPERATORS.has(op))) return;
      for (const op of operatorsIn(s)) {
        if (OPERATORS.has(op)) {
          out.emit(R.operatorKey, excerpt(view.text, s.indexOf(op)));
          return;
        }
      }
      return;
    }
    if ((view.mask & M.DOLLAR) !== 0) {
      const e = EMBEDDED.exec(s);
      if (e !== null) {
        const ops = operatorsIn(s.slice(e.index));
        const op = ops[0];
        // A query document in a filter parameter is the API's own language: fields with conditions on them
        // (`{"status": {"$in": [...]}}`). An operator document standing for a value (`{"$ne": null}`, `{"$regex":
        // "^a"}`), a write or code operator ($where, $function, $set) or a condition on a secret field is not.
        const filter = FILTER_PARAMS.has(locationName(item.location).toLowerCase()) && FIELD_FIRST.test(s) && ops.every((o) => READ_OPERATORS.has(o)) && !SECRET_MEMBER.test(s);
        if (op !== undefined && OPERATORS.has(op) && !filter) out.emit(R.operatorValue, excerpt(view.text, e.index));
      }
      if (s.includes('$where')) {
        const w = WHERE_JS.exec(s);
        if (w !== null) out.emit(R.whereJs, excerpt(view.text, w.index));
      }
    }
    if ((view.mask & M.DOT) !== 0 && item.location.toLowerCase().includes('$where')) {
      const w = WHERE_JS.exec(s);
      if (w !== null) out.emit(R.whereJs, excerpt(view.text, w.index));
    }
  },
};

/** `$word` tokens in a key (`$ne`, `user[$ne]`, `a.$gt`). */
function operatorsIn(s: string): string[] {
  const out: string[] = [];
  let i = s.indexOf('$');
  while (i !== -1 && out.length < 8) {
    let j = i + 1;
    while (j < s.length && s.charCodeAt(j) >= 97 && s.charCodeAt(j) <= 122) j++;
    if (j > i + 1) out.push(s.slice(i, j));
    i = s.indexOf('$', j);
  }
  return out;
}

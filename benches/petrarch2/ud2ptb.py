#!/usr/bin/env python3
"""Convert UD dependency parses (CoNLL-U from dateline's parser) into
Penn-Treebank-style constituency bracketings that PETRARCH-2 can read.

Usage: python3 ud2ptb.py IN.conllu OUT.jsonl
Each output line: {"article", "sent_id", "text", "tokens": [[form, start, end, xpos, head], ...] (head = 1-based UD head, 0 = root),
                   "ptb": "(ROOT (S ...))", "fallback": bool, "lifted": int}

Conversion (head + dependents -> phrase, labelled by the head):
  * verbal heads (VB*/MD, or any head with a `cop` child) -> clause:
      (S [fronted material] (NP subj) [mid adverbs] (VP aux (VP aux (VP verb obj PP ...))))
    auxiliaries / copula / infinitival `to` open nested VPs, as in PTB; material
    between two auxiliaries stays in the upper VP ("has (RB not) (VP ...)");
    a non-`to` `mark` wraps the clause in (SBAR (IN mark) (S ...));
    verbal `conj` without own subject -> VP coordination, with own subject -> S coordination.
  * nominal heads -> NP (flat pre-modifiers; post-modifiers as (NP (NP base) PP/SBAR/...));
    a nominal with a `case` child -> (PP (IN case) (NP ...)); possessive 's -> (POS 's).
  * JJ -> ADJP, RB -> ADVP, compound:prt -> PRT, other heads -> flat phrase.
Non-projective arcs are lifted to the head's parent until the tree is projective;
if the produced leaf order still differs from the token order the sentence falls back to
a flat (S (NP ...) (VP ...)) chunking and is flagged.
"""
import json
import sys

PUNCT_TAGS = {',', '.', ':', '``', "''", '-LRB-', '-RRB-', 'HYPH', 'NFP', '$', '#'}
BRACKET_FORMS = {'(': '-LRB-', ')': '-RRB-', '[': '-LSB-', ']': '-RSB-',
                 '{': '-LCB-', '}': '-RCB-'}
CLAUSE_LEVEL = {'nsubj', 'csubj', 'expl', 'aux', 'cop', 'mark', 'advmod', 'obl', 'advcl',
                'punct', 'cc', 'conj', 'parataxis', 'ccomp', 'xcomp', 'discourse',
                'vocative', 'obj', 'iobj', 'dep', 'list', 'orphan', 'reparandum'}
NOUN_PREMOD = {'det', 'amod', 'compound', 'nummod', 'nmod:poss', 'flat', 'fixed',
               'goeswith', 'advmod', 'cc:preconj', 'det:predet', 'nmod:unmarked',
               'nmod:desc'}


def clean_form(f):
    f = BRACKET_FORMS.get(f, f)
    f = f.replace('(', '-LRB-').replace(')', '-RRB-').replace(' ', '_')
    return f if f else '_'


def clean_tag(t):
    if t in ('(', '-LRB-'):
        return '-LRB-'
    if t in (')', '-RRB-'):
        return '-RRB-'
    t = t.replace('(', '').replace(')', '').replace(' ', '')
    return t if t else 'XX'


class Tok(object):
    __slots__ = ('i', 'form', 'xpos', 'upos', 'head', 'rel', 'start', 'end', 'kids')

    def __init__(self, i, form, upos, xpos, head, rel, start, end):
        self.i, self.form, self.upos, self.xpos = i, form, upos, xpos
        self.head, self.rel, self.start, self.end = head, rel, start, end
        self.kids = []


def base(rel):
    return rel.split(':')[0]


# ---------------------------------------------------------------- tree nodes
class Node(object):
    """A constituent: label + list of children (Node or Leaf)."""
    __slots__ = ('label', 'kids')

    def __init__(self, label, kids):
        self.label = label
        self.kids = sorted(kids, key=lambda k: k.first())

    def first(self):
        return self.kids[0].first()

    def leaves(self):
        out = []
        for k in self.kids:
            out.extend(k.leaves())
        return out

    def render(self):
        return '(' + self.label + ' ' + ' '.join(k.render() for k in self.kids) + ')'


class Leaf(object):
    __slots__ = ('tok',)

    def __init__(self, tok):
        self.tok = tok

    def first(self):
        return self.tok.i

    def leaves(self):
        return [self.tok.i]

    def render(self):
        t = self.tok
        return '(' + clean_tag(t.xpos) + ' ' + clean_form(t.form) + ')'


# ---------------------------------------------------------------- helpers
def is_verbal(t):
    return t.xpos.startswith('VB') or t.xpos == 'MD' or t.upos in ('VERB',)


def subtree_ids(t, toks):
    out = [t.i]
    for k in t.kids:
        out.extend(subtree_ids(toks[k], toks))
    return out


def projectivize(toks):
    """Lift non-projective dependents to the head's head until projective."""
    lifted = 0
    changed = True
    guard = 0
    while changed and guard < 200:
        changed = False
        guard += 1
        for t in toks[1:]:
            if t.head <= 0:
                continue
            h = toks[t.head]
            lo, hi = min(t.i, h.i), max(t.i, h.i)
            dom = set(subtree_ids(h, toks))
            if any(j not in dom for j in range(lo + 1, hi)):
                # lift
                h.kids.remove(t.i)
                t.head = h.head
                if t.head > 0:
                    toks[t.head].kids.append(t.i)
                    toks[t.head].kids.sort()
                lifted += 1
                changed = True
                break
    return lifted


class Converter(object):
    def __init__(self, toks):
        self.toks = toks  # index 0 = dummy root

    def T(self, i):
        return self.toks[i]

    def kids(self, t, exclude=()):
        return [self.toks[k] for k in t.kids if k not in exclude]

    # ---------------------------------------------------------- entry point
    def build(self, t, role=None):
        """Build the constituent for t's subtree given its relation role."""
        rel = t.rel
        kids = self.kids(t)
        has_cop = any(base(k.rel) == 'cop' for k in kids)
        # nominal/adjectival dependents carrying a preposition -> PP
        case_kids = [k for k in kids if base(k.rel) == 'case' and k.xpos != 'POS']
        if base(rel) == 'amod' and not has_cop:
            return Leaf(t) if not kids else self.simple(t, 'ADJP')
        if (is_verbal(t) or has_cop) and not (t.xpos.startswith('NN') and not has_cop and case_kids):
            c = self.clause(t)
            # reduced relatives / participial modifiers of nouns: bare VP as in PTB
            if rel == 'acl' and isinstance(c, Node) and c.label == 'S' and len(c.kids) == 1 \
                    and isinstance(c.kids[0], Node) and c.kids[0].label == 'VP' \
                    and c.kids[0].kids and isinstance(c.kids[0].kids[0], Leaf) \
                    and c.kids[0].kids[0].tok.xpos in ('VBN', 'VBG'):
                return c.kids[0]
            return c
        if case_kids:
            first_case = min(k.i for k in case_kids)
            hoist = [k for k in kids if k.i < first_case and k not in case_kids]
            inner = self.nominal(t, exclude={k.i for k in case_kids + hoist})
            if isinstance(inner, Leaf):
                inner = Node('NP', [inner])
            items = [it for k in case_kids for it in self.tok_items(k)] + [inner]
            for k in hoist:
                items.extend(self.dep_items(k))
            return Node('PP', items)
        return self.nominal_or_other(t)

    def tok_items(self, t):
        """A function word (aux, cop, mark, case, cc) plus any children flattened beside it."""
        items = [Leaf(t)]
        for k in self.kids(t):
            items.extend(self.dep_items(k))
        return items

    def leafphrase(self, t):
        """A token with (possibly) fixed/flat children as a leaf or small phrase."""
        if not t.kids:
            return Leaf(t)
        return self.nominal_or_other(t)

    # ---------------------------------------------------------- non-clausal
    def nominal_or_other(self, t, exclude=()):
        x = t.xpos
        if x.startswith('NN') or x in ('PRP', 'CD', 'EX', 'WP', 'WDT', 'DT', 'PRP$', 'WP$', 'FW', 'SYM', 'ADD', 'GW', '$'):
            return self.nominal(t, exclude)
        if x.startswith('JJ'):
            return self.simple(t, 'ADJP', exclude)
        if x.startswith('RB') or x == 'WRB':
            return self.simple(t, 'ADVP', exclude)
        if x == 'RP':
            return self.simple(t, 'PRT', exclude)
        if x in ('IN', 'TO'):
            return self.simple(t, 'PP', exclude)
        if x in PUNCT_TAGS:
            return self.simple(t, 'FRAG', exclude)
        return self.simple(t, 'FRAG', exclude)

    def simple(self, t, label, exclude=()):
        kids = self.kids(t, exclude)
        if not kids:
            if label in ('ADVP', 'ADJP', 'PRT'):
                return Node(label, [Leaf(t)])
            return Leaf(t)
        items = [Leaf(t)]
        for k in kids:
            items.extend(self.dep_items(k))
        return Node(label, items)

    def dep_items(self, k):
        """Items contributed by dependent k to its head's phrase."""
        if not k.kids and base(k.rel) in ('punct', 'cc', 'case', 'det', 'compound', 'flat',
                                         'fixed', 'nummod', 'mark', 'aux', 'cop', 'goeswith'):
            return [Leaf(k)]
        if not k.kids and k.xpos.startswith('RB') and base(k.rel) == 'advmod' and k.form.lower() in ('not', "n't", 'never'):
            return [Leaf(k)]
        if not k.kids and base(k.rel) in ('amod',) and k.xpos.startswith('JJ'):
            return [Leaf(k)]
        if not k.kids and k.xpos.startswith('NN') and base(k.rel) in ('nmod',) and k.rel in ('nmod:unmarked', 'nmod:desc'):
            return [Leaf(k)]
        return [self.build(k)]

    def nominal(self, t, exclude=()):
        kids = self.kids(t, exclude)
        # conjunction: split off conjuncts (with their cc / punct)
        conjs = [k for k in kids if base(k.rel) == 'conj']
        appos = [k for k in kids if base(k.rel) == 'appos']
        if conjs or appos:
            first_split = min(c.i for c in conjs + appos)
            main_kids = [k for k in kids if k.i < first_split and k not in conjs + appos]
            tail_kids = [k for k in kids if k.i > first_split and k not in conjs + appos]
            # tail kids that are not conj/appos and lie after the first conjunct stay at coord level
            base_np = self.np_core(t, main_kids)
            items = [base_np]
            for c in conjs + appos:
                seps = [k for k in self.kids(c) if base(k.rel) in ('cc', 'punct') and k.i < c.i]
                for s in seps:
                    items.extend(self.tok_items(s))
                items.append(self.as_np(self.build_no(c, {s.i for s in seps})))
            for k in tail_kids:
                items.extend(self.dep_items(k))
            return Node('NP', items)
        return self.np_core(t, kids)

    def as_np(self, c):
        if isinstance(c, Leaf):
            return Node('NP', [c])
        return c

    def build_no(self, t, drop):
        """Build t's constituent while ignoring the children ids in drop."""
        saved = t.kids
        t.kids = [k for k in t.kids if k not in drop]
        try:
            return self.build(t)
        finally:
            t.kids = saved

    def np_core(self, t, kids):
        pre, post = [], []
        for k in kids:
            its = self.dep_items(k)
            if k.i < t.i:
                pre.extend(its)
            else:
                post.extend(its)
        # single-token post items that are flat/compound/fixed names stay in the base NP
        base_items = pre + [Leaf(t)]
        rest = []
        for it in sorted(post, key=lambda x: x.first()):
            if not rest and isinstance(it, Leaf) and base(it.tok.rel) in ('flat', 'compound', 'fixed', 'goeswith', 'nummod') or \
               (not rest and isinstance(it, Leaf) and it.tok.xpos == 'POS'):
                base_items.append(it)
            else:
                rest.append(it)
        if not rest:
            return Node('NP', base_items)
        # trailing punctuation only -> keep flat
        if all(isinstance(r, Leaf) and r.tok.xpos in PUNCT_TAGS for r in rest):
            return Node('NP', base_items + rest)
        return Node('NP', [Node('NP', base_items)] + rest)

    # ---------------------------------------------------------- clauses
    def clause(self, v):
        kids = self.kids(v)
        has_cop = any(base(k.rel) == 'cop' for k in kids)
        subj = [k for k in kids if base(k.rel) in ('nsubj', 'csubj', 'expl')]
        post_subj = []
        for k in list(subj):
            if k.i > v.i:
                later = [j for j in kids if j.i > k.i and base(j.rel) != 'punct']
                subj.remove(k)
                if not later:
                    post_subj.append(k)   # inverted subject at the end: S-level after the VP
                # otherwise it is treated as an ordinary dependent inside the VP
        marks = [k for k in kids if base(k.rel) == 'mark' and k.xpos != 'TO']
        to_marks = [k for k in kids if base(k.rel) == 'mark' and k.xpos == 'TO' and k.i < v.i]
        auxes = [k for k in kids if base(k.rel) in ('aux', 'cop') and k.i < v.i] + to_marks
        auxes.sort(key=lambda k: k.i)
        conjs = [k for k in kids if base(k.rel) == 'conj' and k.i > v.i]
        conj_seps = {}
        for c in conjs:
            conj_seps[c.i] = [k for k in self.kids(c) if base(k.rel) in ('cc', 'punct') and k.i < c.i]
        special = set(k.i for k in subj + post_subj + marks + auxes + conjs)

        # predicate phrase for copular clauses: head + NP-level dependents
        if has_cop:
            np_level = [k for k in kids if k.i not in special and base(k.rel) not in CLAUSE_LEVEL]
            span_ids = [v.i]
            for k in np_level:
                span_ids.extend(subtree_ids(k, self.toks))
            lo, hi = min(span_ids), max(span_ids)
            np_level += [k for k in kids if k.i not in special and base(k.rel) == 'punct' and lo < k.i < hi]
            # keep NP-internal material contiguous with the head
            pred_ids = {v.i} | set(k.i for k in np_level)
            saved = v.kids
            v.kids = [k.i for k in np_level]
            try:
                if v.xpos.startswith('JJ'):
                    pred = self.simple(v, 'ADJP')
                elif v.xpos.startswith('RB'):
                    pred = self.simple(v, 'ADVP')
                elif is_verbal(v):
                    pred = Node('VP', [Leaf(v)] + [it for k in np_level for it in self.dep_items(k)])
                else:
                    pred = self.nominal(v)
                    if isinstance(pred, Leaf):
                        pred = Node('NP', [pred])
            finally:
                v.kids = saved
            head_pos = v.i
            rest = [k for k in kids if k.i not in special and k.i not in pred_ids]
        else:
            pred = None
            head_pos = v.i
            rest = [k for k in kids if k.i not in special]

        verb_chain = auxes + ([] if has_cop else [v])
        first_vc = min([a.i for a in auxes] + [v.i])
        # split dependents
        s_pre, levels, s_post = [], {}, []
        chain_pos = [a.i for a in verb_chain]
        sub = sorted(subtree_ids(v, self.toks))
        nonpunct = [j for j in sub if self.toks[j].xpos not in PUNCT_TAGS and base(self.toks[j].rel) != 'punct']
        last_content = max(nonpunct) if nonpunct else max(sub)
        first_conj = min([c.i for c in conjs]) if conjs else None
        coord_tail = []
        for k in rest:
            if k.i < first_vc:
                s_pre.append(k)
            elif first_conj is not None and k.i > first_conj and not any(k.i in conj_seps[c] for c in conj_seps):
                coord_tail.append(k)
            elif base(k.rel) == 'punct' and k.i > last_content and not k.kids:
                s_post.append(k)
            else:
                # attach to the deepest chain element that precedes it
                anchor = None
                for p in chain_pos:
                    if p < k.i:
                        anchor = p
                if anchor is None:
                    anchor = chain_pos[-1] if chain_pos else head_pos
                if has_cop and k.i > head_pos:
                    anchor = 'pred'
                levels.setdefault(anchor, []).append(k)
        # build VP chain from the innermost outwards
        inner = None
        if has_cop:
            items = [pred] + [it for k in levels.get('pred', []) for it in self.dep_items(k)]
            # items belonging to the copula level (between cop and predicate)
            inner_items = items
            chain = verb_chain
        else:
            inner_items = []
            chain = verb_chain
        for idx in range(len(chain) - 1, -1, -1):
            a = chain[idx]
            its = [Leaf(a)] if a is v else self.tok_items(a)
            for k in levels.get(a.i, []):
                its.extend(self.dep_items(k))
            if idx == len(chain) - 1:
                its.extend(inner_items)
            if inner is not None:
                its.append(inner)
            inner = Node('VP', its)
        if inner is None:  # copula-less nominal predicate (should not happen)
            inner = pred if pred is not None else Node('VP', [Leaf(v)])
        vp = inner
        # coordination
        s_coord = []
        if conjs:
            own_subj = any(any(base(kk.rel) in ('nsubj', 'csubj', 'expl') for kk in self.kids(c)) for c in conjs)
            vp_items = [vp]
            for c in conjs:
                for s in conj_seps[c.i]:
                    vp_items.extend(self.tok_items(s))
                cb = self.build_no(c, {s.i for s in conj_seps[c.i]})
                if not own_subj:
                    # unwrap (S (VP ...)) -> VP when the conjunct has no subject of its own
                    if isinstance(cb, Node) and cb.label == 'S' and len(cb.kids) == 1 and isinstance(cb.kids[0], Node) and cb.kids[0].label == 'VP':
                        cb = cb.kids[0]
                vp_items.append(cb)
            for k in coord_tail:
                vp_items.extend(self.dep_items(k))
            if own_subj:
                s_coord = vp_items[1:]
            else:
                vp = Node('VP', vp_items)
        s_items = []
        sbar_items = []
        if marks:
            first_mark = min(m.i for m in marks)
            for k in [k for k in s_pre if k.i < first_mark]:
                sbar_items.extend(self.dep_items(k))
            s_pre = [k for k in s_pre if k.i > first_mark]
        for k in s_pre + subj:
            if k in subj:
                b = self.build(k)
                if isinstance(b, Leaf):
                    b = Node('NP', [b])
                s_items.append(b)
            else:
                s_items.extend(self.dep_items(k))
        s_items.append(vp)
        for k in post_subj:
            b = self.build(k)
            s_items.append(Node('NP', [b]) if isinstance(b, Leaf) else b)
        for k in s_post:
            s_items.append(Leaf(k))
        s = Node('S', s_items)
        if s_coord:
            s = Node('S', [s] + s_coord)
        if marks:
            s = Node('SBAR', sbar_items + [it for m in marks for it in self.tok_items(m)] + [s])
        return s


def convert_sentence(toks):
    lifted = projectivize(toks)
    conv = Converter(toks)
    roots = [t for t in toks[1:] if t.head == 0]
    items = [conv.build(r) for r in roots]
    tree = items[0] if len(items) == 1 else Node('S', items)
    if isinstance(tree, Leaf):
        tree = Node('FRAG', [tree])
    order = tree.leaves()
    ok = order == list(range(1, len(toks)))
    if not ok:
        tree = flat_fallback(toks)
    return '(ROOT ' + tree.render() + ')', (not ok), lifted


def flat_fallback(toks):
    """Very plain chunking used when the structured conversion fails."""
    items = []
    cur, curlab = [], None

    def flush():
        if not cur:
            return
        if curlab:
            items.append(Node(curlab, list(cur)))
        else:
            items.extend(cur)

    for t in toks[1:]:
        lab = 'VP' if is_verbal(t) else ('NP' if t.xpos.startswith('NN') or t.xpos in ('PRP', 'CD', 'DT', 'JJ') else None)
        if lab != curlab:
            flush()
            cur = []
        curlab = lab
        cur.append(Leaf(t))
    flush()
    return Node('S', items)


def read_conllu(path):
    doc = None
    sent = None
    for line in open(path, encoding='utf-8'):
        line = line.rstrip('\n')
        if line.startswith('# newdoc id ='):
            doc = line.split('=', 1)[1].strip()
            continue
        if line.startswith('# sent_id ='):
            sent = {'doc': doc, 'sent_id': line.split('=', 1)[1].strip(), 'text': '', 'rows': []}
            continue
        if line.startswith('# text ='):
            if sent is not None:
                sent['text'] = line.split('=', 1)[1].strip()
            continue
        if line.startswith('#'):
            continue
        if not line.strip():
            if sent is not None and sent['rows']:
                yield sent
            sent = None
            continue
        cols = line.split('\t')
        if '-' in cols[0] or '.' in cols[0]:
            continue
        if sent is None:
            sent = {'doc': doc, 'sent_id': '?', 'text': '', 'rows': []}
        sent['rows'].append(cols)
    if sent is not None and sent['rows']:
        yield sent


def make_toks(rows):
    toks = [None]
    for c in rows:
        misc = c[9] if len(c) > 9 else '_'
        start = end = -1
        for part in misc.split('|'):
            if part.startswith('TokenRange='):
                a, b = part.split('=', 1)[1].split(':')
                start, end = int(a), int(b)
        toks.append(Tok(int(c[0]), c[1], c[3], c[4], int(c[6]), c[7], start, end))
    for t in toks[1:]:
        if t.head > 0:
            toks[t.head].kids.append(t.i)
    return toks


def main(inp, outp):
    n = nfall = nlift = 0
    with open(outp, 'w', encoding='utf-8') as out:
        for s in read_conllu(inp):
            toks = make_toks(s['rows'])
            tokinfo = [[t.form, t.start, t.end, t.xpos, t.head] for t in toks[1:]]
            try:
                ptb, fell, lifted = convert_sentence(toks)
            except Exception as e:  # should not happen; keep the sentence with a flat tree
                ptb, fell, lifted = '(ROOT ' + flat_fallback(make_toks(s['rows'])).render() + ')', True, 0
            n += 1
            nfall += fell
            nlift += 1 if lifted else 0
            out.write(json.dumps({'article': s['doc'], 'sent_id': s['sent_id'], 'text': s['text'],
                                  'tokens': tokinfo, 'ptb': ptb, 'fallback': fell,
                                  'lifted': lifted}, ensure_ascii=False) + '\n')
    sys.stderr.write('%s: %d sentences, %d fallback, %d with lifted arcs\n' % (inp, n, nfall, nlift))


if __name__ == '__main__':
    main(sys.argv[1], sys.argv[2])

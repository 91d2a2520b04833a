# -*- coding: utf-8 -*-
"""Run PETRARCH-2 (openeventdata/petrarch2, Python 2.7) over PTB trees converted from
dateline's UD parses (ud2ptb.py), with the Phoenix dictionaries; see README.md.

python2.7 run_peer.py [--trees DIR] [--out DIR] [--config FILE] [NAME ...]
  NAME defaults to wikinews-dev wikinews-test current-events-dev current-events-test
  reads  TREES/NAME.jsonl  (written by ud2ptb.py)
  writes OUT/NAME.jsonl    one line per coded event:
         {"article", "verb": [start, end], "source", "target", "code"}
  and    OUT/summary.txt, OUT/petrarch_stdout.log (PETRARCH's own prints)

One PETRARCH "story" per article; date = article date (cep-YYYY-MM-DD-NNN ids: from the id;
wn-... ids: 'date' field of news-wikinews-small/wikinews_small.jsonl). Sentences are fed to
petrarch2.do_coding() one at a time (same code path as `petrarch2 batch`) so that an exception
in one sentence is caught, counted and skipped; a story-level discard phrase ('+' entries of
Phoenix.discards.txt) skips the rest of the article, as do_coding would.
"""
from __future__ import print_function, unicode_literals
import io
import json
import os
import sys
import time
import traceback

HERE = os.getcwd()
# A checkout of openeventdata/petrarch2 (its package folder, where petrarch2.py is) and
# the folder its two dependencies were pip-installed into (see README.md).
sys.path.insert(0, os.environ.get('PY2_SITE', os.path.join(HERE, 'site')))
sys.path.insert(0, os.environ.get('PETRARCH2_DIR', os.path.join(HERE, 'petrarch2')))

import utilities  # noqa: E402
if not hasattr(utilities, 'nulllist'):
    # harness shim: the stored PETRtree version appends to utilities.nulllist (a module
    # global added to utilities.py in June 2016); the stored utilities version predates it.
    utilities.nulllist = []
import PETRglobals  # noqa: E402
import PETRreader  # noqa: E402
import petrarch2  # noqa: E402

WIKINEWS = os.environ.get('WIKINEWS', '../shared/data/news-wikinews-small/wikinews_small.jsonl')
NAMES = ['wikinews-dev', 'wikinews-test', 'current-events-dev', 'current-events-test']


def article_date(aid, wn_dates):
    if aid.startswith('cep-'):
        y, m, d = aid[4:8], aid[9:11], aid[12:14]
        return y + m + d
    if aid in wn_dates:
        return wn_dates[aid].replace('-', '')[:8]
    raise KeyError('no date for ' + aid)


def first_verb_word(meta_entry):
    """Depth-first: first string in PETRARCH's per-event metadata = the main verb word."""
    if isinstance(meta_entry, basestring):
        return meta_entry
    if isinstance(meta_entry, (list, tuple)):
        for x in meta_entry:
            w = first_verb_word(x)
            if w:
                return w
    return None


def locate_verb(tokens, verb_word, source_text, event_text):
    """Return (token index, found?) of the event's main verb in the sentence tokens."""
    forms = [t[0].upper() for t in tokens]
    anchor = -1
    if source_text:
        words = [w for w in source_text.split() if not w.startswith('<') and w != '...']
        if words:
            first = words[0].upper()
            for i, f in enumerate(forms):
                if f == first:
                    anchor = i
                    break
    cands = []
    if verb_word and verb_word != 'TO':
        cands = [i for i, f in enumerate(forms) if f == verb_word.upper()]
    if not cands and event_text:
        # fall back on the event phrase: verb-tagged tokens whose form is one of its words
        ew = set(w.upper() for w in event_text.split() if not w.startswith('<') and w != '...')
        cands = [i for i, f in enumerate(forms) if f in ew and (tokens[i][3].startswith('VB') or tokens[i][3] == 'MD')]
    if not cands:
        # PETRARCH keeps no verb text for events it assembled from a lower clause (empty
        # metadata): take the verb governing the source mention in the dependency tree
        # (source's first word -> up through heads to the first verb), else the root verb.
        def is_verb(i):
            return tokens[i][3].startswith('VB') or tokens[i][3] == 'MD'
        i = anchor
        seen = 0
        while i >= 0 and seen < len(tokens):
            if is_verb(i) and i != anchor:
                return i, 'dep'
            h = tokens[i][4]
            if h <= 0:
                break
            i = h - 1
            seen += 1
        roots = [j for j, t in enumerate(tokens) if t[4] == 0 and is_verb(j)]
        if roots:
            return roots[0], 'dep'
        return 0, False
    if len(cands) > 1:
        after = [i for i in cands if i > anchor]
        if after:
            return after[0], True
    return cands[0], True


def main(argv):
    trees_dir = os.path.join(HERE, 'trees')
    out_dir = os.path.join(HERE, 'out')
    config = os.path.join(HERE, 'PETR_config.ini')
    names = []
    i = 0
    while i < len(argv):
        a = argv[i]
        if a == '--trees':
            trees_dir = argv[i + 1]; i += 2; continue
        if a == '--out':
            out_dir = argv[i + 1]; i += 2; continue
        if a == '--config':
            config = argv[i + 1]; i += 2; continue
        names.append(a); i += 1
    names = names or NAMES
    if not os.path.isdir(out_dir):
        os.makedirs(out_dir)

    wn_dates = {}
    with io.open(WIKINEWS, encoding='utf-8') as f:
        for line in f:
            d = json.loads(line)
            wn_dates[d['id']] = d['date']

    real_stdout = sys.stdout
    log = io.open(os.path.join(out_dir, 'petrarch_stdout.log'), 'w', encoding='utf-8')

    class Tee(object):  # PETRARCH prints a lot; keep it in a log
        def write(self, s):
            if not isinstance(s, unicode):
                s = s.decode('utf-8', 'replace')
            log.write(s)

        def flush(self):
            log.flush()

    sys.stdout = Tee()
    utilities.init_logger(os.path.join(out_dir, 'PETRARCH.log'))
    t0 = time.time()
    PETRreader.parse_Config(config)
    petrarch2.read_dictionaries()
    dict_time = time.time() - t0

    summary = []
    totals = dict(read=0, coded=0, events=0, unlocated=0, exceptions=0, discard_sent=0,
                  discard_story=0, articles=0, fallback_trees=0, story_unique=0, verb_by_dep=0,
                  skipped_by_story_discard=0)
    coding_time = 0.0
    loop_time = 0.0
    exc_kinds = {}
    for name in names:
        st = dict((k, 0) for k in totals)
        articles = []
        index = {}
        with io.open(os.path.join(trees_dir, name + '.jsonl'), encoding='utf-8') as f:
            for line in f:
                d = json.loads(line)
                if d['article'] not in index:
                    index[d['article']] = len(articles)
                    articles.append((d['article'], []))
                articles[index[d['article']]][1].append(d)
        out = io.open(os.path.join(out_dir, name + '.jsonl'), 'w', encoding='utf-8')
        lt0 = time.time()
        for aid, sents in articles:
            st['articles'] += 1
            date = article_date(aid, wn_dates)
            story_seen = set()
            st['read'] += len(sents)
            st['fallback_trees'] += sum(1 for d in sents if d.get('fallback'))
            for k, d in enumerate(sents):
                text = d['text']
                disc = petrarch2.check_discards(text)
                if disc[0] == 2:   # story discard: PETRARCH drops the whole story
                    st['discard_story'] += 1
                    st['skipped_by_story_discard'] += len(sents) - k
                    break
                if disc[0] == 1:
                    st['discard_sent'] += 1
                    continue
                parsed = utilities._format_parsed_str(d['ptb'])
                sid = str(k + 1)
                ev = {aid: {'sents': {sid: {'content': text, 'parsed': parsed}},
                            'meta': {'date': date}}}
                try:
                    ct0 = time.time()
                    res = petrarch2.do_coding(ev)
                    coding_time += time.time() - ct0
                except Exception as e:
                    coding_time += time.time() - ct0
                    st['exceptions'] += 1
                    kind = type(e).__name__
                    exc_kinds[kind] = exc_kinds.get(kind, 0) + 1
                    log.write(u'EXCEPTION %s %s_%s\n%s\n' % (kind, aid, sid, traceback.format_exc().decode('utf-8', 'replace')))
                    continue
                st['coded'] += 1
                sd = res[aid]['sents'][sid] if res[aid]['sents'] else {}
                events = sd.get('events') or []
                meta = sd.get('meta') or {}
                written = set()
                for evt in events:
                    if evt in written:
                        continue
                    written.add(evt)
                    src, tgt, code = evt[0], evt[1], evt[2]
                    if not isinstance(code, basestring):   # same guard as PETRwriter.write_events
                        code = '010'
                    verb_word = first_verb_word(meta.get(evt))
                    atext = (meta.get('actortext') or {}).get(evt, ['', ''])
                    etext = (meta.get('eventtext') or {}).get(evt, '')
                    ti, found = locate_verb(d['tokens'], verb_word, atext[0] if atext else '', etext)
                    if not found:
                        st['unlocated'] += 1
                    elif found == 'dep':
                        st['verb_by_dep'] += 1
                    tok = d['tokens'][ti]
                    rec = {'article': aid, 'verb': [tok[1], tok[2]], 'source': src,
                           'target': tgt if tgt else None, 'code': code}
                    out.write(json.dumps(rec, ensure_ascii=False) + u'\n')
                    st['events'] += 1
                    if (src, tgt, code) not in story_seen:
                        story_seen.add((src, tgt, code))
                        st['story_unique'] += 1
        loop_time += time.time() - lt0
        out.close()
        for k in totals:
            totals[k] += st[k]
        summary.append((name, st))

    sys.stdout = real_stdout
    log.close()
    lines = []
    lines.append('PETRARCH-2 peer run over dateline UD parses converted to PTB (ud2ptb.py)')
    lines.append('config: %s (verbs %s)' % (config, PETRglobals.VerbFileName))
    lines.append('dictionary load: %.2f s' % dict_time)
    hdr = ('file', 'articles', 'sentences_read', 'sentences_coded', 'events_written', 'verb_not_located',
           'exceptions', 'discarded_sentences', 'discarded_stories', 'sentences_in_discarded_stories',
           'fallback_trees', 'events_after_story_filter', 'verb_via_dependency_fallback')
    lines.append('\t'.join(hdr))
    for name, st in summary + [('TOTAL', totals)]:
        lines.append('\t'.join([name] + [str(st[k]) for k in ('articles', 'read', 'coded', 'events', 'unlocated',
                                                               'exceptions', 'discard_sent', 'discard_story',
                                                               'skipped_by_story_discard', 'fallback_trees',
                                                               'story_unique', 'verb_by_dep')]))
    lines.append('exception kinds: %s' % json.dumps(exc_kinds))
    lines.append('coding time (sum of do_coding calls, all files, excl. dictionary load): %.2f s' % coding_time)
    lines.append('wall-clock of the coding loop (all files, incl. tree reading, verb mapping, output): %.2f s' % loop_time)
    lines.append('notes: sentences_coded = sentences passed to do_coding without exception (discards excluded);')
    lines.append('       events_written = unique (source,target,code) per sentence; events_after_story_filter = unique per article')
    lines.append('       (what PETRARCH\'s own writer keeps); verb_not_located events point at the sentence\'s first token;')
    lines.append('       verb_via_dependency_fallback: PETRARCH kept no verb text (event assembled from a lower clause), so the')
    lines.append('       verb governing the source mention in the UD tree (else the root verb) was used.')
    txt = u'\n'.join(lines) + u'\n'
    with io.open(os.path.join(out_dir, 'summary.txt'), 'w', encoding='utf-8') as f:
        f.write(txt)
    print(txt)


if __name__ == '__main__':
    main(sys.argv[1:])

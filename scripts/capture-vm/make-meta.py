#!/usr/bin/env python3
"""Write meta.txt and summary.json of a capture bundle (run by run-capture.sh before trace.txt is gzipped).

Reads trace.txt, guest/ (settings, events, tracefs stats, cmdline, uname, qemu.txt) and the before/ after/
snapshots; cross-checks the snapshots (buddyinfo vs buddydump lists vs nr_free, kpageflags KPF_BUDDY pages split
greedily into aligned blocks vs buddyinfo and the dump's (pfn, order) set).
"""
import collections, gzip, json, os, re, sys

b = sys.argv[1]
name = os.path.basename(os.path.abspath(b))
g = lambda *p: os.path.join(b, 'guest', *p)
rd = lambda p: open(p).read()

EV = re.compile(r'^\s*(.+?)-(\d+)\s+\[(\d+)\]\s+\S+\s+(\d+\.\d+):\s+(\w+):\s?(.*)$')
counts, percpu, examples, marks = collections.Counter(), collections.Counter(), {}, []
first = last = None
tpath = os.path.join(b, 'trace.txt')
topen = (lambda: open(tpath, errors='replace')) if os.path.exists(tpath) else \
    (lambda: gzip.open(tpath + '.gz', 'rt', errors='replace'))
nbytes, nev = 0, 0
with topen() as f:
    for line in f:
        nbytes += len(line.encode())
        if line.startswith('#'):
            continue
        m = EV.match(line)
        if not m:
            continue
        nev += 1
        ev, cpu, ts = m.group(5), int(m.group(3)), m.group(4)
        counts[ev] += 1
        percpu[cpu] += 1
        examples.setdefault(ev, line.rstrip('\n'))
        if first is None:
            first = ts
        last = ts
        if ev == 'tracing_mark_write':
            marks.append((ts, m.group(6)))

stats = {}
for fn in sorted(os.listdir(g('tracefs'))):
    if fn.startswith('stats.cpu'):
        kv = dict(re.findall(r'^([a-z ]+):\s+(\S+)', rd(g('tracefs', fn)), re.M))
        stats[int(fn[9:])] = kv
lost = [c for c, kv in stats.items() if int(kv.get('overrun', 0)) or int(kv.get('dropped events', 0))
        or int(kv.get('commit overrun', 0))]

cmdline = rd(g('cmdline.txt')).strip()
args = dict(re.findall(r'capture\.(\w+)=(\S+)', cmdline))
hdr = [l.rstrip('\n') for l in open(g('trace_header.txt'))]
ncpu_hdr = re.search(r'#P:(\d+)', ' '.join(hdr))
cpuinfo_n = rd(g('cpuinfo.txt')).count('processor\t:')
qemu = rd(g('qemu.txt')).strip()
smp = re.search(r'-smp (\d+)', qemu).group(1)


def buddyinfo(p):
    z = {}
    for l in open(p):
        t = l.split()
        z[t[3]] = [int(x) for x in t[4:]]
    return z


def buddydump(p):
    zones, lists, blocks, pcp, pbs, overflow = {}, {}, {}, 0, 0, True
    cur = None
    for l in open(p):
        t = l.split()
        if not t:
            continue
        if t[0] == 'Z':
            cur = t[2]
            nf = [int(x) for x in l.split('nr_free=')[1].split(',')]
            zones[cur] = nf
            lists[cur] = [0] * len(nf)
            blocks[cur] = set()
        elif t[0] == 'B':
            lists[cur][int(t[1])] += 1
            blocks[cur].add((int(t[3], 16), int(t[1])))
        elif t[0] == 'P':
            pcp += 1
        elif t[0] == 'M':
            pbs += 1
        elif l.startswith('# END'):
            overflow = False
    return zones, lists, blocks, pcp, pbs, overflow


def zone_ranges(p):
    r, cur, spanned = {}, None, 0
    for l in open(p):
        m = re.match(r'Node \d+, zone\s+(\w+)', l)
        if m:
            cur = m.group(1)
        m = re.match(r'\s+spanned\s+(\d+)', l)
        if m:
            spanned = int(m.group(1))
        m = re.match(r'\s+start_pfn:\s+(\d+)', l)
        if m and spanned:
            r[cur] = (int(m.group(1)), int(m.group(1)) + spanned)
    return r


def kpf_blocks(path, lo, hi, norders):
    data = (gzip.open(path + '.gz') if not os.path.exists(path) else open(path, 'rb')).read()
    buddy = [False] * hi
    for pfn in range(lo, min(hi, len(data) // 8)):
        if int.from_bytes(data[pfn * 8:pfn * 8 + 8], 'little') & (1 << 10):  # KPF_BUDDY
            buddy[pfn] = True
    n = sum(buddy[lo:hi])
    hist, blocks, pfn = [0] * norders, set(), lo
    while pfn < hi:
        if not buddy[pfn]:
            pfn += 1
            continue
        o = norders - 1
        while o > 0 and (pfn % (1 << o) or pfn + (1 << o) > hi or not all(buddy[pfn:pfn + (1 << o)])):
            o -= 1
        hist[o] += 1
        blocks.add((pfn, o))
        pfn += 1 << o
    return n, hist, blocks


def cross(label):
    d = os.path.join(b, label)
    out = ['  [%s] %s' % (label, open(os.path.join(d, 'snap.log')).readline().strip())]
    bi, bp = buddyinfo(os.path.join(d, 'buddyinfo')), buddyinfo(os.path.join(d, 'buddyinfo.post'))
    out.append('    buddyinfo changed during snapshot read: %s' % ('no' if bi == bp else 'YES'))
    nf, li, bl, pcp, pbs, ovf = buddydump(os.path.join(d, 'buddydump.txt'))
    out.append('    buddydump: %d free blocks, %d pcp pages, %d pageblocks, overflow=%s'
               % (sum(map(sum, li.values())), pcp, pbs, ovf))
    for z in nf:
        ok = ('lists==nr_free' if li[z] == nf[z] else 'LISTS!=NR_FREE') + (' ==buddyinfo' if nf[z] == bi.get(z) else ' !=BUDDYINFO')
        out.append('    zone %s: buddyinfo=%s buddydump_lists=%s buddydump_nr_free=%s -> %s' % (z, bi.get(z), li[z], nf[z], ok))
    rng = zone_ranges(os.path.join(d, 'zoneinfo'))
    for z in nf:
        lo, hi = rng[z]
        n, hist, kb = kpf_blocks(os.path.join(d, 'kpageflags.bin'), lo, hi, len(nf[z]))
        free = sum(c << o for o, c in enumerate(bi[z]))
        out.append('    zone %s: kpageflags KPF_BUDDY pages=%d vs buddyinfo free pages=%d; greedy block reconstruction from '
                   'kpageflags %s buddyinfo (%s vs %s); vs buddydump (pfn,order) exact: common=%d only_kpageflags=%d only_buddydump=%d'
                   % (z, n, free, '==' if hist == bi[z] else '!=', hist, bi[z], len(kb & bl[z]), len(kb - bl[z]), len(bl[z] - kb)))
    return out


bs = rd(g('tracefs', 'buffer_size_kb')).strip()
bt = rd(g('tracefs', 'buffer_total_size_kb')).strip()
L = ['capture: %s' % name,
     'workload: %s (scale %s)' % (args.get('workload'), args.get('scale')),
     qemu,
     'vcpus: %s (qemu -smp %s; guest /proc/cpuinfo processors: %d; trace header #P:%s)'
     % (smp, smp, cpuinfo_n, ncpu_hdr.group(1) if ncpu_hdr else '?'),
     'uname: %s' % rd(g('uname.txt')).strip(),
     'cmdline: %s' % cmdline,
     'trace_clock: %s' % rd(g('tracefs', 'trace_clock')).strip(),
     'buffer_size_kb (per cpu): %s  buffer_total_size_kb: %s  overwrite: 0 (drop newest when full)' % (bs, bt)]
# trace_clock_local() is sched_clock(); trace_clock_global() (buddydump's L) is sched_clock_cpu(), which adds
# __sched_clock_offset once sched_clock is marked stable: "sched_clock: Marking stable (a, b)->(c, d)", d = offset
m = re.search(r'sched_clock: Marking stable \((-?\d+), (-?\d+)\)->\((-?\d+), (-?\d+)\)', rd(g('dmesg.txt')))
L.append('sched_clock: %s' % ('marked stable, __sched_clock_offset=%d ns: trace_clock global = local %+.6f s'
                              % (int(m.group(4)), int(m.group(4)) / 1e9) if m else 'not marked stable (dmesg)'))
L += ['', 'settings at boot:']
L += ['  ' + l.rstrip() for l in open(g('settings.txt'))]
L += ['', 'events requested (enabled/missing):']
L += ['  ' + l.rstrip() for l in open(g('events.txt'))]
L += ['', 'trace: %d bytes uncompressed, md5 %s (guest and host agree), %d event lines, first ts %s, last ts %s'
      % (nbytes, rd(g('trace.md5')).strip(), nev, first, last),
      'trace header: %s' % ' | '.join(h.strip() for h in hdr[:4]),
      'events lost: %s' % ('NO' if not lost else 'YES on cpus %s' % lost)]
for c in sorted(stats):
    kv = stats[c]
    L.append('  cpu%d: entries=%s, overrun=%s, commit overrun=%s, dropped events=%s, read events=%s, bytes=%s'
             % (c, kv.get('entries'), kv.get('overrun'), kv.get('commit overrun'), kv.get('dropped events'),
                kv.get('read events'), kv.get('bytes')))
L += ['', 'event counts by name:']
L += ['  %-40s %d' % (e, n) for e, n in counts.most_common()]
L.append('events per cpu: %s' % dict(sorted(percpu.items())))
L += ['', 'timeline (trace_marker lines, trace clock seconds):']
L += ['  %s  %s' % (ts, msg) for ts, msg in marks]
L += ['', 'snapshot cross-checks:'] + cross('before') + cross('after')
L += ['', 'example line per event:']
L += ['  ' + examples[e].strip() for e in sorted(examples)]
open(os.path.join(b, 'meta.txt'), 'w').write('\n'.join(L) + '\n')
json.dump({'name': name, 'vcpus': int(smp), 'events': nev, 'bytes': nbytes, 'lost': lost, 'counts': dict(counts)},
          open(os.path.join(b, 'summary.json'), 'w'), indent=1)
print('\n'.join(L[:12]))
print('events: %d, bytes: %d, lost: %s' % (nev, nbytes, lost or 'none'))

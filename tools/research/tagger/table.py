#!/usr/bin/python3
"""Print a markdown table of all runs in results/*.json (final-epoch dev numbers)."""
import glob, json, sys

KEYS = ['word_dim', 'char', 'char_hidden', 'min_count', 'wd_alpha', 'word_dropout', 'dropout_in',
        'dropout_out', 'heads', 'head_input', 'eos', 'lower', 'clip', 'lr', 'lr_final', 'batch', 'seed']
DEFAULTS = {'word_dim': 64, 'char': 'none', 'char_hidden': 32, 'min_count': 2, 'wd_alpha': 0.0,
            'word_dropout': 0.0, 'dropout_in': 0.0, 'dropout_out': 0.0, 'heads': 0, 'head_input': 'cat',
            'eos': False, 'lower': False, 'clip': 0.0, 'lr': 0.002, 'lr_final': None, 'batch': 32, 'seed': 1}


def cfg(a):
    parts = []
    for k in KEYS:
        if a.get(k) != DEFAULTS[k]:
            parts.append(f'{k}={a[k]}')
    return ' '.join(parts) or 'baseline'


rows = []
for p in sorted(glob.glob('results/*.json')):
    r = json.load(open(p))
    s, f = r['summary'], r['summary']['final']
    if 'D0' not in f:
        continue
    rows.append(f"| {s['name']} | {cfg(s['args'])} | {s['args']['epochs']} | {s.get('cpu_per_epoch', '')} | "
                f"{s['sec_per_epoch']} | " + ' | '.join(f"{100 * f[f'D{d}']:.2f}" for d in range(4)) +
                f" | {100 * f['D0_known']:.2f} / {100 * f['D0_unk']:.2f} | {100 * f['D2_known']:.2f} / "
                f"{100 * f['D2_unk']:.2f} | {100 * f['unk_rate']:.1f} |")
print('| run | config (non-default flags) | epochs | CPU s/epoch | wall s/epoch | D0 | D1 | D2 | D3 | '
      'D0 known/unk | D2 known/unk | unk % |')
print('|' + '---|' * 12)
print('\n'.join(rows))

#!/usr/bin/python3
"""Writes a starting command spec for kv from what a running redis-server says of the command.

    kv-protocol/tools/spec-from-redis.py [--port 6379] [--out DIR] NAME...      (a subcommand as container|name: client|list)

For each NAME, asks Redis for COMMAND INFO and COMMAND DOCS and writes DIR/NAME.json (default
kv-protocol/src/main/resources/kv/commands) in kv's spec format: Redis's src/commands/*.json
shape, plus a "kv" object that says how kv's services treat the command. The facts (arity,
flags, ACL categories, key specs, arguments) come from Redis; review the summary, and fill in
"kv" by hand: the script never guesses how the proxy routes a command. An existing file is not
overwritten unless --force is given.
"""
import argparse
import json
import os
import socket
import sys


def read_reply(f):
    line = f.readline()
    kind, rest = line[:1], line[1:-2]
    if kind in (b'+',):
        return rest.decode()
    if kind == b'-':
        raise RuntimeError(rest.decode())
    if kind == b':':
        return int(rest)
    if kind == b'$':
        n = int(rest)
        if n < 0:
            return None
        data = f.read(n + 2)[:-2]
        return data.decode()
    if kind == b'*':
        n = int(rest)
        return None if n < 0 else [read_reply(f) for _ in range(n)]
    raise RuntimeError('unexpected reply %r' % line)


def call(conn, f, *words):
    out = b'*%d\r\n' % len(words)
    for w in words:
        w = w.encode()
        out += b'$%d\r\n%s\r\n' % (len(w), w)
    conn.sendall(out)
    return read_reply(f)


def pairs(flat):
    return {flat[i]: flat[i + 1] for i in range(0, len(flat), 2)}


def key_spec(flat):
    spec = pairs(flat)
    bs = pairs(spec['begin_search'])
    fk = pairs(spec['find_keys'])
    out = {}
    if 'notes' in spec:
        out['notes'] = spec['notes']
    out['flags'] = spec['flags']
    bs_spec = pairs(bs['spec']) if bs['spec'] else {}
    if bs['type'] == 'index':
        out['begin_search'] = {'index': {'pos': bs_spec['index']}}
    elif bs['type'] == 'keyword':
        out['begin_search'] = {'keyword': {'keyword': bs_spec['keyword'], 'startfrom': bs_spec['startfrom']}}
    else:
        out['begin_search'] = {'unknown': None}
    fk_spec = pairs(fk['spec']) if fk['spec'] else {}
    if fk['type'] == 'range':
        out['find_keys'] = {'range': {'lastkey': fk_spec['lastkey'], 'step': fk_spec['keystep'],
                                      'limit': fk_spec['limit']}}
    elif fk['type'] == 'keynum':
        out['find_keys'] = {'keynum': {'keynumidx': fk_spec['keynumidx'], 'firstkey': fk_spec['firstkey'],
                                       'step': fk_spec['keystep']}}
    else:
        out['find_keys'] = {'unknown': None}
    return out


def argument(flat):
    arg = pairs(flat)
    out = {'name': arg['name'], 'type': arg['type']}
    if 'display_text' in arg:
        out['display'] = arg['display_text']
    if 'key_spec_index' in arg:
        out['key_spec_index'] = arg['key_spec_index']
    if 'token' in arg:
        out['token'] = arg['token']
    if 'since' in arg:
        out['since'] = arg['since']
    for flag in arg.get('flags', []):
        out[flag] = True
    if 'arguments' in arg:
        out['arguments'] = [argument(a) for a in arg['arguments']]
    return out


def spec(conn, f, name):
    info = call(conn, f, 'COMMAND', 'INFO', name)[0]
    if info is None:
        raise RuntimeError('Redis does not know ' + name)
    docs = call(conn, f, 'COMMAND', 'DOCS', name)
    doc = pairs(docs[1]) if docs else {}
    body = {
        'summary': doc.get('summary', ''),
        'complexity': doc.get('complexity', ''),
        'group': doc.get('group', ''),
        'since': doc.get('since', ''),
        'arity': info[1],
        'command_flags': [flag for flag in info[2] if flag != 'movablekeys'],
        'acl_categories': [c.lstrip('@') for c in info[6]],
    }
    if info[7]:
        body['command_tips'] = info[7]
    if info[8]:
        body['key_specs'] = [key_spec(k) for k in info[8]]
    if 'arguments' in doc:
        body['arguments'] = [argument(a) for a in doc['arguments']]
    if '|' in name:
        container, sub = name.split('|', 1)
        return {sub.upper(): dict({'container': container.upper()}, **body)}
    body['kv'] = {'proxy': 'TODO: cache | owner | all | local | none'}
    return {name.upper(): body}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--port', type=int, default=6379)
    parser.add_argument('--out', default=os.path.join(os.path.dirname(__file__), '..', 'src', 'main',
                                                      'resources', 'kv', 'commands'))
    parser.add_argument('--force', action='store_true')
    parser.add_argument('names', nargs='+')
    args = parser.parse_args()
    conn = socket.create_connection(('127.0.0.1', args.port))
    f = conn.makefile('rb')
    os.makedirs(args.out, exist_ok=True)
    for name in args.names:
        path = os.path.join(args.out, name.lower().replace('|', '-') + '.json')
        if os.path.exists(path) and not args.force:
            print('kept ' + path + ' (exists; --force to overwrite)', file=sys.stderr)
            continue
        with open(path, 'w') as out:
            json.dump(spec(conn, f, name.lower()), out, indent=2)
            out.write('\n')
        print('wrote ' + path)


if __name__ == '__main__':
    main()

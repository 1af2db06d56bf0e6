"""PyTorch reference for bench/lstm.ts: the same LSTM shapes on CPU, one thread.

Streaming inference: one LSTMCell step for a batch of identities with carried
state, surprise of the observed token (log-softmax gathered) and top-k read
back. Training: Embedding -> LSTM -> Linear on every step of windows, masked
cross-entropy, Adam. Prints one JSON object.

    /usr/bin/python3 bench/lstm_torch.py --vocab 256 --embedding 32 --units 64 --context 3
"""
import argparse
import json
import time

import torch


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--vocab", type=int, default=256)
    p.add_argument("--embedding", type=int, default=32)
    p.add_argument("--units", type=int, default=64)
    p.add_argument("--context", type=int, default=3)
    p.add_argument("--topk", type=int, default=3)
    p.add_argument("--batches", default="1,64,512")
    p.add_argument("--seconds", type=float, default=1.5)
    p.add_argument("--window", type=int, default=10)
    p.add_argument("--train-batch", type=int, default=256)
    p.add_argument("--train-windows", type=int, default=4096)
    p.add_argument("--repeats", type=int, default=3, help="best of this many timing windows / epochs")
    a = p.parse_args()
    torch.set_num_threads(1)
    torch.manual_seed(1)
    emb = torch.nn.Embedding(a.vocab, a.embedding)
    cell = torch.nn.LSTMCell(a.embedding + a.context, a.units)
    head = torch.nn.Linear(a.units, a.vocab)
    out = {"torch_version": torch.__version__, "threads": torch.get_num_threads(), "infer_per_s": {}}
    with torch.no_grad():
        for b in [int(x) for x in a.batches.split(",")]:
            h = torch.zeros(b, a.units)
            c = torch.zeros(b, a.units)
            ids = torch.randint(0, a.vocab, (64, b))
            ctx = torch.rand(64, b, a.context)
            step = 0
            best = 0.0
            for _ in range(a.repeats):
                events = 0
                start = time.perf_counter()
                while True:
                    x = torch.cat([emb(ids[step % 64]), ctx[step % 64]], 1)
                    h, c = cell(x, (h, c))
                    logp = torch.log_softmax(head(h), 1)
                    nxt = ids[(step + 1) % 64]
                    surprise = -logp.gather(1, nxt.unsqueeze(1)).squeeze(1)
                    top = torch.topk(logp, a.topk, 1).indices
                    surprise.numpy()
                    top.numpy()
                    events += b
                    step += 1
                    if step % 16 == 0 and time.perf_counter() - start > a.seconds / a.repeats:
                        break
                best = max(best, events / (time.perf_counter() - start))
            out["infer_per_s"][str(b)] = best

    lstm = torch.nn.LSTM(a.embedding + a.context, a.units)
    params = list(emb.parameters()) + list(lstm.parameters()) + list(head.parameters())
    opt = torch.optim.Adam(params, lr=0.01)
    n = a.train_windows
    ids = torch.randint(0, a.vocab, (a.window, n))
    targets = torch.randint(0, a.vocab, (a.window, n))
    ctx = torch.rand(a.window, n, a.context)
    loss_fn = torch.nn.CrossEntropyLoss()
    best = 0.0
    for epoch in range(a.repeats):
        samples = 0
        start = time.perf_counter()
        for s in range(0, n, a.train_batch):
            x = torch.cat([emb(ids[:, s:s + a.train_batch]), ctx[:, s:s + a.train_batch]], 2)
            y, _ = lstm(x)
            logits = head(y)
            loss = loss_fn(logits.reshape(-1, a.vocab), targets[:, s:s + a.train_batch].reshape(-1))
            opt.zero_grad()
            loss.backward()
            opt.step()
            samples += x.shape[1]
        best = max(best, samples / (time.perf_counter() - start))
    out["train_samples_per_s"] = best
    print(json.dumps(out))


if __name__ == "__main__":
    main()

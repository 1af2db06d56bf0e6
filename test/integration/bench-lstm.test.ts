/**
 * `vigil bench --lstm` at smoke size: the pipeline benchmark trains a small
 * LSTM on a clean simulation first (untimed), then runs the full pipeline with
 * the LSTM scorer on, alone and with the Isolation Forest, and reports
 * events/s and the serving backend.
 */
import { describe, expect, it } from 'vitest';
import { benchPipeline } from '../../bench/pipeline.js';

describe('pipeline benchmark with the LSTM', () => {
  it('trains a small model, scores with it, and reports throughput', async () => {
    const lines: string[] = [];
    const result = await benchPipeline(
      {
        events: 4000,
        seed: 7,
        batch: 1024,
        format: 'canonical',
        iforest: true,
        lstm: true,
        lstmTrainEvents: 4000,
        lstmEpochs: 1,
      },
      (line) => lines.push(line),
    );
    expect(result.events).toBe(4000);
    expect(result.events_per_s).toBeGreaterThan(0);
    expect(result.lstm_backend).toMatch(/^(onnxruntime|tfjs-)/);
    expect(lines.some((line) => line.startsWith('training the LSTM on 4000 clean simulator events'))).toBe(
      true,
    );
  });
});

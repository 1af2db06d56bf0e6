/**
 * Builds the one-step serving graph from trained weights with onnx-proto
 * (opset 13). The cell is written out of Gemm/Split/Sigmoid/Tanh/Mul/Add
 * rather than ONNX's LSTM operator, so the gate order and the single bias of
 * TensorFlow.js (i, f, c, o) carry over unchanged and the arithmetic is the
 * trainer's, step for step:
 *
 *   z  = [emb(ids) ‖ context ‖ h]·[W; U] + b      (one Gemm)
 *   c' = σ(z_f)⊙c + σ(z_i)⊙tanh(z_c),  h' = σ(z_o)⊙tanh(c')
 *   logp = logSoftmax(h'·W_out + b_out)
 *   surprise = −logp[next_id],  expected = top-k(logp)
 *
 * Inputs: ids int32 [N], context float [N, K] (when K > 0), h, c float [N, H],
 * next_id int32 [N]. Outputs: surprise [N], h_out, c_out [N, H],
 * expected_ids int32 [N, k], expected_logp float [N, k]. Pure: bytes in, bytes out.
 */
import onnxProto from 'onnx-proto';
import type { LstmWeights } from './weights.js';

const { onnx } = onnxProto;
type INode = onnxProto.onnx.INodeProto;

const FLOAT = onnx.TensorProto.DataType.FLOAT;
const INT32 = onnx.TensorProto.DataType.INT32;
const INT64 = onnx.TensorProto.DataType.INT64;
const OPSET = 13;

export const STEP_INPUTS = { ids: 'ids', context: 'context', h: 'h', c: 'c', nextId: 'next_id' } as const;
export const STEP_OUTPUTS = {
  surprise: 'surprise',
  h: 'h_out',
  c: 'c_out',
  expectedIds: 'expected_ids',
  expectedLogp: 'expected_logp',
} as const;

export function buildStepGraph(weights: LstmWeights, topK: number): Uint8Array {
  const { vocabSize: v, embeddingDim: e, units: h, contextSize: k } = weights.shape;
  const stacked = new Float32Array((e + k + h) * 4 * h);
  stacked.set(weights.kernel, 0);
  stacked.set(weights.recurrentKernel, (e + k) * 4 * h);
  const initializer = [
    floatTensor('embedding', [v, e], weights.embedding),
    floatTensor('kernel_stacked', [e + k + h, 4 * h], stacked),
    floatTensor('bias', [4 * h], weights.bias),
    floatTensor('output_kernel', [h, v], weights.outputKernel),
    floatTensor('output_bias', [v], weights.outputBias),
    int64Tensor('gate_split', [4], [h, h, h, h]),
    int64Tensor('axis_1', [1], [1]),
    int64Tensor('top_k', [1], [Math.min(topK, v)]),
  ];
  const concatInputs = k > 0 ? ['embedded', STEP_INPUTS.context, STEP_INPUTS.h] : ['embedded', STEP_INPUTS.h];
  const nodes: INode[] = [
    node('Gather', ['embedding', STEP_INPUTS.ids], ['embedded'], [intAttr('axis', 0)]),
    node('Concat', concatInputs, ['xh'], [intAttr('axis', 1)]),
    node('Gemm', ['xh', 'kernel_stacked', 'bias'], ['z']),
    node('Split', ['z', 'gate_split'], ['z_i', 'z_f', 'z_c', 'z_o'], [intAttr('axis', 1)]),
    node('Sigmoid', ['z_i'], ['gate_i']),
    node('Sigmoid', ['z_f'], ['gate_f']),
    node('Tanh', ['z_c'], ['candidate']),
    node('Sigmoid', ['z_o'], ['gate_o']),
    node('Mul', ['gate_f', STEP_INPUTS.c], ['c_kept']),
    node('Mul', ['gate_i', 'candidate'], ['c_new']),
    node('Add', ['c_kept', 'c_new'], [STEP_OUTPUTS.c]),
    node('Tanh', [STEP_OUTPUTS.c], ['c_squashed']),
    node('Mul', ['gate_o', 'c_squashed'], [STEP_OUTPUTS.h]),
    node('Gemm', [STEP_OUTPUTS.h, 'output_kernel', 'output_bias'], ['logits']),
    node('LogSoftmax', ['logits'], ['logp'], [intAttr('axis', 1)]),
    node('Unsqueeze', [STEP_INPUTS.nextId, 'axis_1'], ['next_column']),
    node('GatherElements', ['logp', 'next_column'], ['observed_logp'], [intAttr('axis', 1)]),
    node('Squeeze', ['observed_logp', 'axis_1'], ['observed_logp_flat']),
    node('Neg', ['observed_logp_flat'], [STEP_OUTPUTS.surprise]),
    node('TopK', ['logp', 'top_k'], [STEP_OUTPUTS.expectedLogp, 'expected_ids_64'], [intAttr('axis', 1)]),
    node('Cast', ['expected_ids_64'], [STEP_OUTPUTS.expectedIds], [intAttr('to', INT32)]),
  ];
  const inputs = [
    valueInfo(STEP_INPUTS.ids, INT32, ['N']),
    ...(k > 0 ? [valueInfo(STEP_INPUTS.context, FLOAT, ['N', k])] : []),
    valueInfo(STEP_INPUTS.h, FLOAT, ['N', h]),
    valueInfo(STEP_INPUTS.c, FLOAT, ['N', h]),
    valueInfo(STEP_INPUTS.nextId, INT32, ['N']),
  ];
  const outputs = [
    valueInfo(STEP_OUTPUTS.surprise, FLOAT, ['N']),
    valueInfo(STEP_OUTPUTS.h, FLOAT, ['N', h]),
    valueInfo(STEP_OUTPUTS.c, FLOAT, ['N', h]),
    valueInfo(STEP_OUTPUTS.expectedIds, INT32, ['N', 'K']),
    valueInfo(STEP_OUTPUTS.expectedLogp, FLOAT, ['N', 'K']),
  ];
  const model = onnx.ModelProto.create({
    irVersion: 7,
    producerName: 'vigil',
    producerVersion: '1',
    opsetImport: [{ domain: '', version: OPSET }],
    graph: { name: 'vigil_lstm_step', node: nodes, initializer, input: inputs, output: outputs },
  });
  return onnx.ModelProto.encode(model).finish();
}

function node(opType: string, input: string[], output: string[], attribute: INode['attribute'] = []): INode {
  return { opType, input, output, attribute, name: `${opType}_${output[0]}` };
}

function intAttr(name: string, value: number) {
  return { name, type: onnx.AttributeProto.AttributeType.INT, i: value };
}

function floatTensor(name: string, dims: number[], values: Float32Array) {
  const bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  return { name, dims, dataType: FLOAT, rawData: Uint8Array.from(bytes) };
}

function int64Tensor(name: string, dims: number[], values: number[]) {
  return { name, dims, dataType: INT64, int64Data: values };
}

function valueInfo(name: string, elemType: number, dims: (string | number)[]) {
  return {
    name,
    type: {
      tensorType: {
        elemType,
        shape: { dim: dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })) },
      },
    },
  };
}

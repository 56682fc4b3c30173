"use client";
import "@xyflow/react/dist/style.css";
import { Alert, Badge, Button, Group, Paper, ScrollArea, Stack, Text, TextInput, Title } from "@mantine/core";
import { IconCheck, IconDeviceFloppy, IconPlayerPlay, IconTrash } from "@tabler/icons-react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useSubscription } from "@trpc/tanstack-react-query";
import { addEdge, Background, Controls, ReactFlow, ReactFlowProvider, useEdgesState, useNodesState, useReactFlow, type Connection, type Edge } from "@xyflow/react";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { useTRPC } from "@/lib/trpc";
import { notifyError, notifySuccess } from "@/components/ui/feedback";
import { ApprovalNotice } from "./approval-notice";
import { withPositions } from "./auto-layout";
import { ExecutionPanel } from "./execution-panel";
import { DRAG_TYPE, ModulePalette } from "./module-palette";
import { NodeConfigForm } from "./node-config-form";
import { NodePreviewButton } from "./node-preview";
import { PipelineNodeView } from "./pipeline-node";
import type { ModuleInfo, ModuleNode, StoredEdge, StoredNode } from "./types";

const nodeTypes = { module: PipelineNodeView };

export function PipelineCanvas({ pipelineId }: { pipelineId: string }) {
  return (
    <ReactFlowProvider>
      <Canvas pipelineId={pipelineId} />
    </ReactFlowProvider>
  );
}

function toFlowNode(n: StoredNode, modules: ModuleInfo[]): ModuleNode {
  const name = n.module ?? n.data?.moduleId ?? "";
  const m = modules.find((x) => x.type === n.type && x.name === name);
  return {
    id: n.id,
    type: "module",
    position: n.position ?? { x: 0, y: 0 },
    data: { nodeType: n.type as ModuleInfo["type"], module: name, label: n.label ?? n.data?.label ?? n.id, description: n.description, config: n.config ?? n.data?.config ?? {}, color: m?.color ?? "#888", displayName: m?.display_name ?? name },
  };
}

const toStoredNode = (n: ModuleNode): StoredNode => ({ id: n.id, type: n.data.nodeType, module: n.data.module, position: n.position, config: n.data.config, label: n.data.label, description: n.data.description ?? n.data.label });

/**
 * The pipeline canvas: modules from the palette (drag or click), edges by dragging from
 * a node's right handle to another's left one, the selected node's config in the side
 * panel (a form from the module's JSON Schema), Save / Validate / Run with errors shown
 * on the nodes, and live per-node status and row counts while a run goes.
 */
function Canvas({ pipelineId }: { pipelineId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const flow = useReactFlow();
  const wrapper = useRef<HTMLDivElement>(null);
  const pipeline = useQuery(trpc.pipelines.get.queryOptions({ id: pipelineId }));
  const modulesQuery = useQuery(trpc.pipelines.modules.queryOptions());
  const sources = useQuery(trpc.datasources.list.queryOptions());
  const modules = useMemo(() => (modulesQuery.data ?? []) as ModuleInfo[], [modulesQuery.data]);
  const [nodes, setNodes, onNodesChange] = useNodesState<ModuleNode>([]);
  const [edges, setEdges, onEdgesChange] = useEdgesState<Edge>([]);
  const [selected, setSelected] = useState<string | null>(null);
  const [issues, setIssues] = useState<{ errors: string[]; warnings: string[] } | null>(null);
  const [executionId, setExecutionId] = useState<string | null>(null);
  const [loaded, setLoaded] = useState(false);

  useEffect(() => {
    if (loaded || !pipeline.data || !modulesQuery.data) return;
    const config = pipeline.data.config as { nodes: StoredNode[]; edges: StoredEdge[] };
    setNodes(withPositions(config.nodes, config.edges).map((n) => toFlowNode(n, modules)));
    setEdges(config.edges.map((e, i) => ({ id: e.id ?? `e-${i}`, source: e.source, target: e.target, targetHandle: e.targetHandle ?? undefined })));
    setLoaded(true);
    // A stored graph is framed once it is drawn; a new one starts at 100 % (nodes are added at known places).
    if (config.nodes.length) setTimeout(() => void flow.fitView({ maxZoom: 1 }), 50);
  }, [loaded, pipeline.data, modulesQuery.data, modules, setNodes, setEdges, flow]);

  const addNode = useCallback(
    (m: ModuleInfo, position?: { x: number; y: number }) => {
      setNodes((current) => {
        let n = current.length + 1;
        while (current.some((x) => x.id === `${m.name}-${n}`)) n += 1;
        const node: ModuleNode = {
          id: `${m.name}-${n}`,
          type: "module",
          position: position ?? { x: 30 + current.length * 215, y: 60 + (current.length % 2) * 70 },
          data: { nodeType: m.type, module: m.name, label: `${m.display_name.replace(/ (Extractor|Loader)$/, "")} ${n}`, config: {}, color: m.color, displayName: m.display_name },
        };
        return [...current, node];
      });
    },
    [setNodes],
  );

  const onDrop = (event: React.DragEvent) => {
    event.preventDefault();
    const raw = event.dataTransfer.getData(DRAG_TYPE);
    if (!raw) return;
    const { type, name } = JSON.parse(raw) as { type: string; name: string };
    const m = modules.find((x) => x.type === type && x.name === name);
    if (m) addNode(m, flow.screenToFlowPosition({ x: event.clientX, y: event.clientY }));
  };
  const onConnect = useCallback((c: Connection) => setEdges((eds) => addEdge({ ...c, id: `e-${c.source}-${c.target}` }, eds)), [setEdges]);

  const config = () => ({
    ...(pipeline.data?.config ?? {}),
    nodes: nodes.map(toStoredNode) as unknown as Record<string, unknown>[],
    edges: edges.map((e) => ({ id: e.id, source: e.source, target: e.target, targetHandle: e.targetHandle ?? null })),
  });
  const showIssues = (report: { errors: { message: string; node_id?: string }[]; warnings: { message: string }[] }) => {
    setIssues({ errors: report.errors.map((e) => e.message), warnings: report.warnings.map((w) => w.message) });
    setNodes((ns) => ns.map((n) => ({ ...n, data: { ...n.data, errors: report.errors.filter((e) => e.node_id === n.id).map((e) => e.message) } })));
  };

  const save = useMutation(
    trpc.pipelines.update.mutationOptions({
      onSuccess: () => {
        void queryClient.invalidateQueries({ queryKey: trpc.pipelines.get.queryKey({ id: pipelineId }) });
        void queryClient.invalidateQueries({ queryKey: trpc.pipelines.approval.queryKey({ id: pipelineId }) });
      },
    }),
  );
  const validate = useMutation(trpc.pipelines.validateConfig.mutationOptions());
  const execute = useMutation(trpc.pipelines.execute.mutationOptions());

  const onSave = async () => {
    try {
      await save.mutateAsync({ id: pipelineId, patch: { config: config() } });
      notifySuccess("Pipeline saved");
    } catch (error) {
      notifyError("Could not save the pipeline", error);
    }
  };
  const onValidate = async () => {
    const report = await validate.mutateAsync({ config: config(), params: pipeline.data?.default_params });
    showIssues(report);
    return report;
  };
  const onRun = async () => {
    try {
      const report = await onValidate();
      if (!report.valid) return;
      await save.mutateAsync({ id: pipelineId, patch: { config: config() } });
      const started = await execute.mutateAsync({ id: pipelineId }).finally(
        () => void queryClient.invalidateQueries({ queryKey: trpc.pipelines.approval.queryKey({ id: pipelineId }) }),
      );
      setExecutionId(started.execution_id);
      setNodes((ns) => ns.map((n) => ({ ...n, data: { ...n.data, run: { status: "pending", rowsIn: 0, rowsOut: 0 } } })));
    } catch (error) {
      notifyError("Could not run the pipeline", error);
    }
  };

  useSubscription(
    trpc.pipelines.live.subscriptionOptions(
      { id: pipelineId },
      {
        onData: (event) => {
          if (event.kind !== "progress" || (executionId && event.executionId !== executionId)) return;
          setNodes((ns) =>
            ns.map((n) => {
              const run = event.nodes.find((x) => x.nodeId === n.id);
              return run ? { ...n, data: { ...n.data, run: { status: run.status, rowsIn: run.rowsIn, rowsOut: run.rowsOut } } } : n;
            }),
          );
          if (event.status !== "running") void queryClient.invalidateQueries({ queryKey: trpc.pipelines.pathKey() });
        },
      },
    ),
  );

  const selectedNode = nodes.find((n) => n.id === selected) ?? null;
  const selectedModule = selectedNode ? modules.find((m) => m.type === selectedNode.data.nodeType && m.name === selectedNode.data.module) : undefined;
  const patchSelected = (patch: Partial<ModuleNode["data"]>) => setNodes((ns) => ns.map((n) => (n.id === selected ? { ...n, data: { ...n.data, ...patch } } : n)));

  if (pipeline.error) return <Alert color="red">{pipeline.error.message}</Alert>;
  return (
    <Stack gap="xs" h="calc(100vh - 90px)">
      <Group justify="space-between">
        <Group gap="xs">
          <Title order={1} fz={20}>{pipeline.data?.name ?? "…"}</Title>
          {pipeline.data && <Badge variant="light">v{pipeline.data.version_number}</Badge>}
        </Group>
        <Group gap="xs">
          <Button size="xs" variant="default" leftSection={<IconDeviceFloppy size={16} />} onClick={onSave} loading={save.isPending}>
            Save
          </Button>
          <Button size="xs" variant="default" leftSection={<IconCheck size={16} />} onClick={() => void onValidate()} loading={validate.isPending}>
            Validate
          </Button>
          <Button size="xs" leftSection={<IconPlayerPlay size={16} />} onClick={onRun} loading={execute.isPending}>
            Run
          </Button>
        </Group>
      </Group>
      <ApprovalNotice pipelineId={pipelineId} />
      {issues && (
        <Alert color={issues.errors.length ? "red" : "teal"} data-testid="validation-result" py={6} withCloseButton onClose={() => setIssues(null)}>
          {issues.errors.length ? issues.errors.join(" · ") : `Valid${issues.warnings.length ? ` (${issues.warnings.length} warning${issues.warnings.length > 1 ? "s" : ""})` : ""}`}
        </Alert>
      )}
      <Group align="stretch" gap="xs" style={{ flex: 1, minHeight: 300 }} wrap="nowrap">
        <Paper withBorder>
          <ModulePalette modules={modules} onAdd={(m) => addNode(m)} />
        </Paper>
        <Paper withBorder style={{ flex: 1 }} ref={wrapper} onDragOver={(e) => e.preventDefault()} onDrop={onDrop} data-testid="pipeline-canvas">
          <ReactFlow
            nodes={nodes}
            edges={edges}
            nodeTypes={nodeTypes}
            onNodesChange={onNodesChange}
            onEdgesChange={onEdgesChange}
            onConnect={onConnect}
            onNodeClick={(_e, n) => setSelected(n.id)}
            onPaneClick={() => setSelected(null)}
            defaultViewport={{ x: 0, y: 0, zoom: 1 }}
            deleteKeyCode={["Delete"]}
          >
            <Background />
            <Controls />
          </ReactFlow>
        </Paper>
        {selectedNode && selectedModule && (
          <Paper withBorder w={320} p="xs" data-testid="node-panel">
            <ScrollArea h="100%" type="auto">
              <Stack gap="xs">
                <Group justify="space-between">
                  <Text fw={600}>{selectedModule.display_name}</Text>
                  <Button
                    size="compact-xs"
                    color="red"
                    variant="subtle"
                    leftSection={<IconTrash size={14} />}
                    onClick={() => {
                      setNodes((ns) => ns.filter((n) => n.id !== selected));
                      setEdges((es) => es.filter((e) => e.source !== selected && e.target !== selected));
                      setSelected(null);
                    }}
                  >
                    Remove
                  </Button>
                </Group>
                <TextInput label="Label" value={selectedNode.data.label} onChange={(e) => patchSelected({ label: e.currentTarget.value })} />
                <NodePreviewButton nodeId={selectedNode.id} label={selectedNode.data.label} getConfig={config} params={pipeline.data?.default_params} />
                <NodeConfigForm
                  schema={selectedModule.config_schema}
                  value={selectedNode.data.config}
                  onChange={(config) => patchSelected({ config })}
                  dataSources={(sources.data ?? []).map((d) => ({ id: d.id, name: d.name, engine: d.engine }))}
                  engines={selectedModule.engines}
                />
              </Stack>
            </ScrollArea>
          </Paper>
        )}
      </Group>
      <Paper withBorder p="xs">
        <ExecutionPanel pipelineId={pipelineId} latest={executionId} />
      </Paper>
    </Stack>
  );
}

"use client";
import { Alert, Splitter, VisuallyHidden } from "@mantine/core";
import { useDisclosure, useHotkeys } from "@mantine/hooks";
import { IconAlertCircle } from "@tabler/icons-react";
import { useQuery } from "@tanstack/react-query";
import type { ChartSpec } from "@/components/results/chart-suggest";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { parameterNames } from "@/lib/sql-parameters";
import { useTRPC } from "@/lib/trpc";
import { AskBox } from "./ask-box";
import { DataSourceSelect } from "./data-source-select";
import type { EditorApi } from "./monaco/editor-api";
import type { CompletionAlias } from "./monaco/sql-aliases";
import { EditorTabs } from "./tabs/editor-tabs";
import { EditorToolbar } from "./editor-toolbar";
import { HistoryPanel } from "./sidebar/history-panel";
import { ParameterBar } from "./parameter-bar";
import { useSqlOpener } from "./use-sql-opener";
import { useTemplateOpener } from "./use-template-opener";
import { ResultsPanel } from "./run/results-panel";
import { SaveQueryModal } from "./sidebar/save-query-modal";
import { SavedQueriesPanel } from "./sidebar/saved-queries-panel";
import { SchemaBrowser } from "./sidebar/schema-browser";
import { Sidebar } from "./sidebar/sidebar";
import { SqlEditor } from "./monaco/sql-editor";
import { StatusBar } from "./status-bar";
import { readStored, STORAGE_KEYS, writeStored } from "./storage";
import { errorInfo } from "@/components/ui/feedback";
import { ConfirmModal } from "@/components/ui/confirm-modal";
import { useSaveShortcut } from "./use-save-shortcut";
import type { Engine, SchemaTable } from "./types";
import { useDataSourceChoice } from "./use-data-source-choice";
import { modelPath, useEditorTabs } from "./tabs/use-editor-tabs";
import { useQueryRunner } from "./run/use-query-runner";
import { useWorkbenchActions } from "./use-workbench-actions";
import classes from "./workbench.module.css";

interface Layout {
  sidebar: number;
  editor: number;
}

const isLayout = (v: unknown): v is Layout =>
  !!v && typeof (v as Layout).sidebar === "number" && typeof (v as Layout).editor === "number";

const px = (n: number) => `${Math.round(n)}px` as const;

/** The SQL workbench: schema and history beside a tabbed editor over the results. */
export function Workbench({ userId, userEmail }: { userId: string; userEmail: string }) {
  const trpc = useTRPC();
  const sources = useQuery(trpc.datasources.list.queryOptions());
  const [source, chooseSource] = useDataSourceChoice(sources.data);
  const schema = useQuery(
    trpc.datasources.schema.queryOptions({ id: source?.id ?? "" }, { enabled: !!source, staleTime: 5 * 60_000 }),
  );
  // The dictionary's aliases feed completion hints; a source without a dictionary just has none.
  const aliases = useQuery(
    trpc.dictionary.aliases.queryOptions({ dataSourceId: source?.id ?? "" }, { enabled: !!source, staleTime: 60_000, retry: false }),
  );
  const tabs = useEditorTabs(userId);
  const runner = useQueryRunner();
  const [api, setApi] = useState<EditorApi | null>(null);
  const pendingSql = useRef<string | null>(null);
  useEffect(() => {
    if (!api || pendingSql.current === null) return;
    api.replace(pendingSql.current, "all");
    pendingSql.current = null;
  }, [api]);
  const [hasSelection, setHasSelection] = useState(false);
  const [saveOpened, saveModal] = useDisclosure(false);
  // The text the save dialog sent: the tab is clean at exactly that text.
  const submittedSql = useRef<string | null>(null);
  const [layout] = useState(() => readStored(STORAGE_KEYS.layout, { sidebar: 300, editor: 42 }, isLayout));
  const saved = useRef(layout);
  // Parameter markers of the active tab: recomputed as it changes, re-rendering only when the names do.
  const [paramNames, setParamNames] = useState<string[]>([]);
  const [paramValues, setParamValues] = useState<Record<string, string>>({});
  const noteSql = useCallback((sql: string) => {
    const names = parameterNames(sql);
    setParamNames((current) => (current.length === names.length && current.every((n, i) => n === names[i]) ? current : names));
  }, []);
  const actions = useWorkbenchActions({ api, source, sources: sources.data, chooseSource, tabs, runner, parameterValues: paramValues });
  useTemplateOpener(tabs, (defaults) => setParamValues((v) => ({ ...v, ...defaults })));
  useSqlOpener(tabs, chooseSource);

  // The active saved query's chart opens with its results; the chart shown is saved with it.
  const activeSavedId = tabs.activeTab.savedQueryId;
  const activeSaved = useQuery(trpc.savedQueries.get.queryOptions({ id: activeSavedId ?? "" }, { enabled: !!activeSavedId, retry: false }));
  const savedChart = useMemo<ChartSpec | null>(() => {
    const c = activeSavedId ? activeSaved.data?.chart : null;
    return c ? { type: c.type, x: c.x, ys: c.y } : null;
  }, [activeSavedId, activeSaved.data]);
  // Which tab the chart was shown in: another tab's save must not take it.
  const shownChart = useRef<{ spec: ChartSpec; tabId: string } | null>(null);
  const activeTabId = useRef(tabs.activeTab.id);
  useEffect(() => {
    activeTabId.current = tabs.activeTab.id;
  }, [tabs.activeTab.id]);
  const noteChart = useCallback((spec: ChartSpec) => {
    shownChart.current = { spec, tabId: activeTabId.current };
  }, []);

  // Monaco's completion provider reads these at completion time.
  const completionState = useRef<{ tables: readonly SchemaTable[]; engine: Engine | undefined; aliases: readonly CompletionAlias[] }>({
    tables: [],
    engine: undefined,
    aliases: [],
  });
  useEffect(() => {
    const sameSource = aliases.data?.dataSourceId === source?.id;
    completionState.current = { tables: schema.data?.schema.tables ?? [], engine: source?.engine, aliases: sameSource ? (aliases.data?.aliases ?? []) : [] };
  }, [schema.data, source, aliases.data]);
  const completion = useMemo(
    () => ({
      tables: () => completionState.current.tables,
      engine: () => completionState.current.engine,
      aliases: () => completionState.current.aliases,
    }),
    [],
  );

  // Outside Monaco (grid, panels) the same shortcuts still work.
  useHotkeys([["mod+Enter", () => actions.run("smart")]]);
  // Ctrl/Cmd+S saves from anywhere, inputs included, and the browser's own dialog never opens.
  useSaveShortcut(saveModal.open);

  // Choosing another data source clears the results: they belong to the previous one.
  const switchSource = (id: string) => {
    tabs.update(tabs.activeTab.id, { dataSourceId: id });
    if (id === source?.id) return;
    if (running) void runner.cancel();
    runner.clear();
    chooseSource(id);
  };

  const closeTab = (id: string) => {
    tabs.close(id);
    setTimeout(() => api?.disposeModel(modelPath(id)), 0);
  };
  // Unsaved work is never closed silently: a dirty tab asks first.
  const [closing, setClosing] = useState<string | null>(null);
  const requestClose = (id: string) => {
    if (tabs.tabs.find((t) => t.id === id)?.dirty) setClosing(id);
    else closeTab(id);
  };
  const running = runner.state.running !== null;
  const active = tabs.activeTab;
  // Each tab remembers its data source: switching tabs switches the source too.
  useEffect(() => {
    if (!active.dataSourceId) {
      if (source) tabs.update(active.id, { dataSourceId: source.id });
      return;
    }
    if (active.dataSourceId !== source?.id && sources.data?.some((s) => s.id === active.dataSourceId)) chooseSource(active.dataSourceId);
    // Only a tab change (or its own source changing) moves the source, not the reverse.
  }, [active.id, active.dataSourceId, sources.data]);
  useEffect(() => noteSql(tabs.sqlOf(active.id)), [active.id, tabs, noteSql]);

  const persist = (patch: Partial<Layout>) => {
    saved.current = { ...saved.current, ...patch };
    writeStored(STORAGE_KEYS.layout, saved.current);
  };

  return (
    <div className={classes.root}>
      {/* The page's main heading, for screen readers and the outline; the editor speaks for itself visually. */}
      <VisuallyHidden component="h1">SQL editor</VisuallyHidden>
      <Splitter
        className={classes.split}
        lineSize={1}
        withHandle={false}
        classNames={{ handle: classes.splitHandle }}
        onResizeEnd={(_, sizes) => {
          const first = sizes[0];
          if (typeof first === "string" && first.endsWith("px")) persist({ sidebar: parseFloat(first) });
        }}
      >
        <Splitter.Pane defaultSize={px(layout.sidebar)} min="220px" max="560px">
          <Sidebar
            schema={<SchemaBrowser dataSourceId={source?.id ?? null} engine={source?.engine} database={source?.database} onInsert={actions.insert} onQuery={actions.queryTable} />}
            history={<HistoryPanel onLoad={actions.loadFromHistory} onOpenResult={actions.openStoredResult} />}
            saved={<SavedQueriesPanel onOpen={actions.openSaved} />}
          />
        </Splitter.Pane>
        <Splitter.Pane defaultSize={100} min={30}>
          <div className={classes.main}>
            <div className={classes.toolbar}>
              <EditorToolbar
                dataSourcePicker={
                  <DataSourceSelect sources={sources.data} loading={sources.isPending} value={source?.id ?? null} onChange={switchSource} />
                }
                running={running}
                canRun={!!source && !!api}
                hasSelection={hasSelection}
                formatting={actions.formatting}
                onRun={() => actions.run("smart")}
                onRunSelection={() => actions.run("selection")}
                onCancel={() => void runner.cancel()}
                onFormat={() => void actions.formatSql()}
                onSave={saveModal.open}
              />
              <AskBox
                dataSourceId={source?.id ?? null}
                onSql={(sql) => {
                  // One undoable edit in the active tab, so Ctrl+Z brings the previous text back.
                  if (api) {
                    api.replace(sql, "all");
                    api.focus();
                  } else {
                    // Monaco is still loading and will mount with the text it was rendered with: hand it over then.
                    tabs.setSql(active.id, sql);
                    pendingSql.current = sql;
                  }
                  noteSql(sql);
                }}
              />
            </div>
            {sources.isError && (
              <Alert m="sm" color="red" variant="light" icon={<IconAlertCircle size={16} />} title="Data sources unavailable">
                {errorInfo(sources.error).message}
              </Alert>
            )}
            {sources.data?.length === 0 && (
              <Alert m="sm" color="yellow" variant="light" icon={<IconAlertCircle size={16} />} title="No data source yet">
                You cannot read any data source. An administrator can add one, or give your group access, under Admin.
              </Alert>
            )}
            <Splitter
              orientation="vertical"
              className={classes.split}
              lineSize={1}
              withHandle={false}
              classNames={{ handle: classes.splitHandle }}
              onResizeEnd={(_, sizes) => {
                const first = sizes[0];
                if (typeof first === "number") persist({ editor: first });
                else if (typeof first === "string" && first.endsWith("%")) persist({ editor: parseFloat(first) });
              }}
            >
              <Splitter.Pane defaultSize={layout.editor} min={12}>
                <div className={classes.editorPane}>
                  <EditorTabs
                    tabs={tabs.tabs}
                    activeId={active.id}
                    onSelect={tabs.select}
                    onClose={requestClose}
                    onNew={() => tabs.open({ sql: "", dataSourceId: source?.id })}
                    onRename={(id, title) => tabs.update(id, { title })}
                  />
                  <ParameterBar names={paramNames} values={paramValues} onChange={(name, value) => setParamValues((v) => ({ ...v, [name]: value }))} />
                  <div className={classes.editorHost} data-testid="sql-editor">
                    <SqlEditor
                      path={modelPath(active.id)}
                      defaultValue={tabs.sqlOf(active.id)}
                      onChange={(value) => {
                        tabs.setSql(active.id, value);
                        noteSql(value);
                      }}
                      onReady={setApi}
                      onSelectionChange={setHasSelection}
                      commands={{ run: actions.run, format: () => void actions.formatSql(), save: saveModal.open }}
                      completion={completion}
                    />
                  </div>
                </div>
              </Splitter.Pane>
              <Splitter.Pane defaultSize={100 - layout.editor} min={15}>
                <ResultsPanel
                  state={runner.state}
                  errorLocation={actions.errorLocation}
                  onCancel={() => void runner.cancel()}
                  onRevealError={actions.revealError}
                  savedChart={savedChart}
                  onChartChange={noteChart}
                />
              </Splitter.Pane>
            </Splitter>
            <StatusBar source={source} userEmail={userEmail} />
          </div>
        </Splitter.Pane>
      </Splitter>
      <SaveQueryModal
        opened={saveOpened}
        onClose={saveModal.close}
        getSql={() => (submittedSql.current = api?.getValue() ?? tabs.sqlOf(active.id))}
        dataSourceId={source?.id ?? null}
        defaultTitle={active.title}
        savedQueryId={active.savedQueryId}
        getChart={() => {
          const shown = shownChart.current;
          if (!shown || shown.tabId !== active.id) return undefined;
          return { type: shown.spec.type, x: shown.spec.x, y: shown.spec.ys, series: null };
        }}
        onSaved={(s) => tabs.markSaved(active.id, { title: s.title, savedQueryId: s.id, sql: submittedSql.current ?? tabs.sqlOf(active.id) })}
      />
      <ConfirmModal
        opened={closing !== null}
        title="Discard changes?"
        confirmLabel="Discard"
        onClose={() => setClosing(null)}
        onConfirm={() => {
          if (closing) closeTab(closing);
          setClosing(null);
        }}
      >
        {`“${tabs.tabs.find((t) => t.id === closing)?.title ?? "This tab"}” has changes that are not saved. Closing the tab discards them.`}
      </ConfirmModal>
    </div>
  );
}

{{/*
The pod template of the Deployment or the Rollout (the same either way).
*/}}
{{- define "model-api.podTemplate" -}}
{{- if and .Values.adminToken.enabled (not .Values.adminToken.existingSecret) }}
{{- fail "adminToken.existingSecret is required when adminToken.enabled is true" }}
{{- end -}}
metadata:
  labels:
    {{- include "model-api.labels" . | nindent 4 }}
    {{- with .Values.podLabels }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
  {{- with .Values.podAnnotations }}
  annotations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
spec:
  serviceAccountName: {{ include "model-api.serviceAccountName" . }}
  # model-api never calls the Kubernetes API.
  automountServiceAccountToken: false
  # Service links would inject MODEL_API_PORT=tcp://... and friends into
  # the environment; model-api reads its settings from plain env vars.
  enableServiceLinks: false
  {{- with .Values.imagePullSecrets }}
  imagePullSecrets:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  terminationGracePeriodSeconds: {{ .Values.terminationGracePeriodSeconds }}
  securityContext:
    runAsNonRoot: true
    runAsUser: 65532
    runAsGroup: 65532
    fsGroup: 65532
    seccompProfile:
      type: RuntimeDefault
  containers:
    - name: {{ .Chart.Name }}
      image: {{ include "model-api.image" . | quote }}
      imagePullPolicy: {{ .Values.image.pullPolicy }}
      ports:
        - name: http
          containerPort: {{ .Values.app.port }}
          protocol: TCP
        {{- if .Values.app.metricsPort }}
        {{- if eq (int .Values.app.metricsPort) (int .Values.app.port) }}
        {{- fail "app.metricsPort must differ from app.port (or be 0 to keep /metrics on app.port)" }}
        {{- end }}
        - name: metrics
          containerPort: {{ .Values.app.metricsPort }}
          protocol: TCP
        {{- end }}
      env:
        - name: PORT
          value: {{ .Values.app.port | quote }}
        {{- if .Values.app.metricsPort }}
        - name: METRICS_PORT
          value: {{ .Values.app.metricsPort | quote }}
        {{- end }}
        {{- with .Values.app.modelDir }}
        - name: MODEL_DIR
          value: {{ . | quote }}
        {{- end }}
        - name: LOG_FORMAT
          value: {{ .Values.app.logFormat | quote }}
        - name: LOG_LEVEL
          value: {{ .Values.app.logLevel | quote }}
        - name: DRAIN_DELAY
          value: {{ .Values.app.drainDelay | quote }}
        - name: SHUTDOWN_TIMEOUT
          value: {{ .Values.app.shutdownTimeout | quote }}
        - name: DRIFT_WINDOW
          value: {{ .Values.app.driftWindow | quote }}
        {{- with .Values.app.corsOrigins }}
        - name: CORS_ORIGINS
          value: {{ . | quote }}
        {{- end }}
        {{- if .Values.adminToken.enabled }}
        - name: ADMIN_TOKEN
          valueFrom:
            secretKeyRef:
              name: {{ .Values.adminToken.existingSecret }}
              key: {{ .Values.adminToken.key }}
        {{- end }}
        {{- with .Values.app.extraEnv }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
      startupProbe:
        httpGet:
          path: /healthz
          port: http
        periodSeconds: {{ .Values.probes.startup.periodSeconds }}
        failureThreshold: {{ .Values.probes.startup.failureThreshold }}
      livenessProbe:
        httpGet:
          path: /healthz
          port: http
        periodSeconds: {{ .Values.probes.liveness.periodSeconds }}
        timeoutSeconds: {{ .Values.probes.liveness.timeoutSeconds }}
        failureThreshold: {{ .Values.probes.liveness.failureThreshold }}
      readinessProbe:
        httpGet:
          path: /readyz
          port: http
        periodSeconds: {{ .Values.probes.readiness.periodSeconds }}
        timeoutSeconds: {{ .Values.probes.readiness.timeoutSeconds }}
        failureThreshold: {{ .Values.probes.readiness.failureThreshold }}
      lifecycle:
        # Keep serving while the endpoint removal reaches kube-proxy and
        # the load balancer; then SIGTERM starts model-api's own drain
        # (DRAIN_DELAY). A sleep action, since the image has no shell.
        preStop:
          sleep:
            seconds: {{ .Values.preStopSleepSeconds }}
      resources:
        {{- toYaml .Values.resources | nindent 8 }}
      securityContext:
        runAsNonRoot: true
        runAsUser: 65532
        runAsGroup: 65532
        readOnlyRootFilesystem: true
        allowPrivilegeEscalation: false
        privileged: false
        capabilities:
          drop: ["ALL"]
        seccompProfile:
          type: RuntimeDefault
      volumeMounts:
        # The root filesystem is read-only; a small scratch /tmp for
        # anything the Go runtime or a library may write.
        - name: tmp
          mountPath: /tmp
  volumes:
    - name: tmp
      emptyDir:
        sizeLimit: 16Mi
  {{- if .Values.topologySpread.enabled }}
  topologySpreadConstraints:
    {{- range list "topology.kubernetes.io/zone" "kubernetes.io/hostname" }}
    - topologyKey: {{ . }}
      maxSkew: {{ $.Values.topologySpread.maxSkew }}
      whenUnsatisfiable: {{ $.Values.topologySpread.whenUnsatisfiable }}
      labelSelector:
        matchLabels:
          {{- include "model-api.selectorLabels" $ | nindent 10 }}
      # Count only this rollout's pods, so a rolling update spreads the
      # new ones: the ReplicaSet's hash label, which Argo Rollouts names
      # differently.
      matchLabelKeys:
        - {{ if $.Values.rollout.enabled }}rollouts-pod-template-hash{{ else }}pod-template-hash{{ end }}
    {{- end }}
  {{- end }}
  {{- with .Values.nodeSelector }}
  nodeSelector:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with .Values.affinity }}
  affinity:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with .Values.tolerations }}
  tolerations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
{{- end }}
